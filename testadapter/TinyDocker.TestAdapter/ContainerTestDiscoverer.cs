using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace TinyDocker.TestAdapter;

/// <summary>
/// Discovery: the container cases the build wrote beside each test assembly. An assembly with
/// no cases file is not ours and yields nothing (its own framework's adapter discovers it).
/// </summary>
[FileExtension(".dll")]
[DefaultExecutorUri(AdapterIds.ExecutorUriString)]
public sealed class ContainerTestDiscoverer : ITestDiscoverer
{
    public void DiscoverTests(IEnumerable<string> sources, IDiscoveryContext discoveryContext, IMessageLogger logger, ITestCaseDiscoverySink discoverySink)
    {
        foreach (var source in sources)
        {
            try
            {
                foreach (var (_, test) in TestCases.Read([source]))
                {
                    discoverySink.SendTestCase(test);
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                logger.SendMessage(TestMessageLevel.Error, $"tinydocker: {e.Message}");
            }
        }
    }
}
