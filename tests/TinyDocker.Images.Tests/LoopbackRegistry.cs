using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace TinyDocker.Images.Tests;

/// <summary>
/// A real registry (Debian's docker-registry, the CNCF distribution registry) on 127.0.0.1 and a
/// free port, with its own config and storage in a temp directory; filled by the tests through the
/// distribution API's push side; ended by its pid.
/// </summary>
public sealed class LoopbackRegistry : IDisposable
{
    public const string Binary = "/usr/bin/docker-registry";

    private readonly Process _process;
    private readonly string _dir;
    private readonly HttpClient _http = new();

    public LoopbackRegistry()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: run scripts/install-deps.sh (package docker-registry)");
        }
        _dir = Path.Combine(Path.GetTempPath(), $"tinydocker-registry-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        Port = FreePort();
        string config = Path.Combine(_dir, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {_dir}/storage
            http:
              addr: 127.0.0.1:{Port}
            """);
        var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilUp();
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    private string Base => $"http://{Host}";

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void WaitUntilUp()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}");
            }
            try
            {
                using var r = _http.Send(new HttpRequestMessage(HttpMethod.Get, $"{Base}/v2/"));
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException("docker-registry did not answer on /v2/ within 30 s");
    }

    /// <summary>Pushes an image: blobs, both manifests by digest, then the index under <paramref name="tag"/>.</summary>
    internal void Push(string repository, string tag, OciImageWriter image)
    {
        foreach (var blob in image.LayerBlobs.Append(image.ConfigJson))
        {
            PushBlob(repository, blob);
        }
        string layout = Path.Combine(_dir, $"layout-{Guid.NewGuid():N}");
        image.WriteLayout(layout);
        using var index = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")));
        string nestedDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        byte[] nested = File.ReadAllBytes(Path.Combine(layout, "blobs/sha256", nestedDigest[7..]));
        using var entries = System.Text.Json.JsonDocument.Parse(nested);
        foreach (var m in entries.RootElement.GetProperty("manifests").EnumerateArray())
        {
            string digest = m.GetProperty("digest").GetString()!;
            PushManifest(repository, digest, File.ReadAllBytes(Path.Combine(layout, "blobs/sha256", digest[7..])), Runtime.Images.MediaTypes.OciManifest);
        }
        PushManifest(repository, tag, nested, Runtime.Images.MediaTypes.OciIndex);
        Directory.Delete(layout, recursive: true);
    }

    private void PushBlob(string repository, byte[] blob)
    {
        using var start = _http.Send(new HttpRequestMessage(HttpMethod.Post, $"{Base}/v2/{repository}/blobs/uploads/"));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = new Uri(new Uri(Base), start.Headers.Location!);
        string sep = location.Query.Length > 0 ? "&" : "?";
        var put = new HttpRequestMessage(HttpMethod.Put, $"{location}{sep}digest={Uri.EscapeDataString(OciImageWriter.Sha(blob))}")
        {
            Content = new ByteArrayContent(blob),
        };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = _http.Send(put);
        Assert.Equal(HttpStatusCode.Created, done.StatusCode);
    }

    private void PushManifest(string repository, string reference, byte[] json, string mediaType)
    {
        var put = new HttpRequestMessage(HttpMethod.Put, $"{Base}/v2/{repository}/manifests/{reference}") { Content = new ByteArrayContent(json) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var done = _http.Send(put);
        Assert.True(done.StatusCode == HttpStatusCode.Created, $"PUT manifest {reference}: {(int)done.StatusCode} {done.Content.ReadAsStringAsync().Result}");
    }

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(); // by its pid: this process only
            _process.WaitForExit();
        }
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
