using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TinyDocker.Runtime.Images.Registry;

/// <summary>
/// The OCI distribution API (v2), read side: manifests and blobs of one repository. Plain HTTP
/// only for a loopback registry or when the user says --insecure; bearer tokens fetched from the
/// realm a 401 names, once, then reused.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ImageReference _reference;
    private readonly bool _insecure;
    private string? _token;

    public RegistryClient(ImageReference reference, bool insecure)
    {
        _reference = reference;
        _insecure = insecure;
        string scheme = insecure || IsLoopback(reference.RegistryHost) ? "http" : "https";
        BaseUri = new Uri($"{scheme}://{reference.RegistryHost}/v2/{reference.RemoteRepository}/");
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = TimeSpan.FromMinutes(30),
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("tinydocker");
    }

    public Uri BaseUri { get; }

    public static bool IsLoopback(string host)
    {
        string name = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
        return name == "localhost" || name == "[::1]" || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>A manifest or index by tag or digest, with the media type the registry gave.</summary>
    public byte[] GetManifest(string tagOrDigest)
    {
        using var response = Send(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, $"manifests/{tagOrDigest}"));
            foreach (var type in MediaTypes.Accept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }
            return request;
        }, $"manifest `{tagOrDigest}`");
        using var body = response.Content.ReadAsStream();
        using var copy = new MemoryStream();
        body.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A blob's content as it arrives; the caller hashes it.</summary>
    public Stream GetBlob(Digest digest)
    {
        var response = Send(() => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, $"blobs/{digest}")), $"blob {digest}");
        return new ResponseStream(response);
    }

    private HttpResponseMessage Send(Func<HttpRequestMessage> make, string what)
    {
        for (int attempt = 0; ; attempt++)
        {
            var request = make();
            if (_token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            }
            HttpResponseMessage response;
            try
            {
                response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead);
            }
            catch (HttpRequestException e)
            {
                throw new TinyDockerException($"cannot reach registry `{_reference.RegistryHost}` ({BaseUri.Scheme}): {e.Message}", inner: e);
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                response.Dispose();
                _token = FetchToken(challenge);
                continue;
            }
            if (response.IsSuccessStatusCode)
            {
                return response;
            }
            int status = (int)response.StatusCode;
            response.Dispose();
            throw new TinyDockerException(status == 404
                ? $"{_reference}: {what} not found in the registry"
                : $"{_reference}: {what}: the registry answered HTTP {status}");
        }
    }

    private string FetchToken(AuthChallenge? challenge)
    {
        if (challenge is null || !challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || challenge["realm"] is not { } realm)
        {
            throw new TinyDockerException($"{_reference}: the registry wants authentication tinydocker does not speak "
                                          + $"(`{challenge?.Scheme ?? "no WWW-Authenticate"}`; only anonymous bearer tokens are supported)");
        }
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var realmUri)
            || (realmUri.Scheme != "https" && !(realmUri.Scheme == "http" && (_insecure || IsLoopback(realmUri.Authority)))))
        {
            throw new TinyDockerException($"{_reference}: refusing token realm `{realm}`: plain HTTP only for loopback or with --insecure");
        }
        var query = new List<string>();
        if (challenge["service"] is { } service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }
        query.Add("scope=" + Uri.EscapeDataString(challenge["scope"] ?? $"repository:{_reference.RemoteRepository}:pull"));
        var uri = new UriBuilder(realmUri) { Query = string.Join('&', query) }.Uri;
        try
        {
            using var response = _http.Send(new HttpRequestMessage(HttpMethod.Get, uri));
            if (!response.IsSuccessStatusCode)
            {
                throw new TinyDockerException($"{_reference}: token service `{realm}` answered HTTP {(int)response.StatusCode}");
            }
            using var doc = JsonDocument.Parse(response.Content.ReadAsStream());
            foreach (var name in new[] { "token", "access_token" })
            {
                if (doc.RootElement.TryGetProperty(name, out var t) && t.GetString() is { Length: > 0 } token)
                {
                    return token;
                }
            }
            throw new TinyDockerException($"{_reference}: token service `{realm}` gave no token");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            throw new TinyDockerException($"{_reference}: token service `{realm}`: {e.Message}", inner: e);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A response body that disposes its response with it.</summary>
    private sealed class ResponseStream(HttpResponseMessage response) : ReadOnlyStream
    {
        private readonly Stream _body = response.Content.ReadAsStream();

        public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => _body.Read(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _body.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
