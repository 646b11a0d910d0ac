using System.Net;
using System.Text;

namespace TinyDocker.Images.Tests;

/// <summary>
/// A test double for what a real registry cannot be made to do: serve a blob whose content does
/// not match its digest. It also demands a bearer token (401 with a WWW-Authenticate challenge,
/// then a token from its own realm), which the real one only does behind a separate token server.
/// </summary>
internal sealed class FakeRegistry : IDisposable
{
    public const string Token = "tinydocker-test-token";

    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (byte[] Body, string Type)> _routes = new(StringComparer.Ordinal);
    private readonly Thread _thread;

    public FakeRegistry(string repository, string tag, OciImageWriter image, Func<string, byte[], byte[]>? tamper = null)
    {
        Port = LoopbackRegistry.FreePort();
        foreach (var blob in image.LayerBlobs.Append(image.ConfigJson))
        {
            string digest = OciImageWriter.Sha(blob);
            _routes[$"/v2/{repository}/blobs/{digest}"] = (tamper?.Invoke(digest, blob) ?? blob, "application/octet-stream");
        }
        _routes[$"/v2/{repository}/manifests/{tag}"] = (image.ManifestJson, Runtime.Images.MediaTypes.OciManifest);
        _routes[$"/v2/{repository}/manifests/{image.ManifestDigest}"] = (image.ManifestJson, Runtime.Images.MediaTypes.OciManifest);
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _thread = new Thread(Serve) { IsBackground = true };
        _thread.Start();
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    public int TokensIssued { get; private set; }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var response = context.Response;
            string path = context.Request.Url!.AbsolutePath;
            if (path == "/token")
            {
                TokensIssued++;
                Write(response, 200, Encoding.UTF8.GetBytes($$"""{"token":"{{Token}}"}"""), "application/json");
            }
            else if (context.Request.Headers["Authorization"] != $"Bearer {Token}")
            {
                response.Headers["WWW-Authenticate"] = $"Bearer realm=\"http://{Host}/token\",service=\"fake\",scope=\"repository:team/img:pull\"";
                Write(response, 401, "{}"u8.ToArray(), "application/json");
            }
            else if (_routes.TryGetValue(path, out var route))
            {
                Write(response, 200, route.Body, route.Type);
            }
            else
            {
                Write(response, 404, "{}"u8.ToArray(), "application/json");
            }
        }
    }

    private static void Write(HttpListenerResponse response, int status, byte[] body, string type)
    {
        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
