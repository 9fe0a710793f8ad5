using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Models;

/// <summary>
/// Reads the size and GGUF header of a model file over HTTP with Range requests: the first
/// <see cref="InitialBytes"/>, then more (×4) while the key/value section goes on, up to <see cref="MaxBytes"/>. The size
/// comes from <c>Content-Range</c> (or <c>Content-Length</c> when the server ignores Range). Redirects are followed by
/// hand so every hop is checked against the scheme and host allowlist; no credentials are sent, and messages name
/// hosts only (a redirect URL may carry a signature).
/// </summary>
public sealed partial class HttpModelHeaderReader : IModelHeaderReader, IDisposable
{
    public const int InitialBytes = 1024 * 1024;
    public const int MaxBytes = 32 * 1024 * 1024;
    public const int MaxRedirects = 5;

    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly ILogger<HttpModelHeaderReader> _logger;

    /// <summary>Creates a reader whose every read ends after <paramref name="timeout"/>; <paramref name="handler"/> is for tests.</summary>
    public HttpModelHeaderReader(TimeSpan timeout, ILogger<HttpModelHeaderReader> logger, HttpMessageHandler? handler = null)
    {
        _client = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        }) { Timeout = Timeout.InfiniteTimeSpan };
        _timeout = timeout;
        _logger = logger;
    }

    public async Task<HeaderProbe> ReadAsync(Uri url, ModelSourcePolicy policy, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            var probe = await ReadCoreAsync(url, policy, timeout.Token);
            if (probe.Error is { } error) LogReadFailed(url.Host, error);
            return probe;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(_timeout >= TimeSpan.FromSeconds(1) ? $"timed out after {_timeout.TotalSeconds:0} s" : $"timed out after {_timeout.TotalMilliseconds:0} ms");
        }
        catch (ReadFailure failure)
        {
            LogReadFailed(url.Host, failure.Message);
            return Failed(failure.Message);
        }
        catch (HttpRequestException ex)
        {
            LogReadFailed(url.Host, ex.Message);
            return Failed($"the request failed ({ex.HttpRequestError})");
        }
        catch (IOException ex)
        {
            LogReadFailed(url.Host, ex.Message);
            return Failed("the connection broke while reading the header");
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<HeaderProbe> ReadCoreAsync(Uri url, ModelSourcePolicy policy, CancellationToken cancellationToken)
    {
        var buffer = new byte[InitialBytes];
        var have = 0;
        var target = InitialBytes;
        long? total = null;
        HttpResponseMessage? whole = null;
        Stream? wholeBody = null;
        try
        {
            while (true)
            {
                bool ended;
                if (wholeBody is null)
                {
                    var (response, final) = await SendAsync(url, policy, have, target - 1, cancellationToken);
                    url = final;
                    if (response.StatusCode == HttpStatusCode.PartialContent)
                    {
                        using (response)
                        {
                            var range = ContentRange(response) ?? throw new ReadFailure("the server answered 206 without a usable Content-Range");
                            if (range.From != have) throw new ReadFailure("the server returned a different range than asked");
                            total ??= range.Length;
                            var read = await FillAsync(await response.Content.ReadAsStreamAsync(cancellationToken), buffer, have, target - have, cancellationToken);
                            have += read;
                            ended = have < target || (total is { } t && have >= t);
                        }
                    }
                    else if (response.StatusCode == HttpStatusCode.OK && have == 0)
                    {
                        // The server ignores Range: read the one body as far as needed and drop the connection.
                        whole = response;
                        total = response.Content.Headers.ContentLength;
                        wholeBody = await response.Content.ReadAsStreamAsync(cancellationToken);
                        have = await FillAsync(wholeBody, buffer, 0, target, cancellationToken);
                        ended = have < target;
                    }
                    else if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
                    {
                        response.Dispose();
                        ended = true;
                    }
                    else
                    {
                        var status = (int)response.StatusCode;
                        response.Dispose();
                        throw new ReadFailure($"the server answered HTTP {status}");
                    }
                }
                else
                {
                    var read = await FillAsync(wholeBody, buffer, have, target - have, cancellationToken);
                    have += read;
                    ended = have < target;
                }

                var result = GgufHeader.Read(buffer.AsSpan(0, have));
                switch (result.Status)
                {
                    case GgufReadStatus.Complete:
                        return new HeaderProbe(total, result.Metadata, null);
                    case GgufReadStatus.Invalid:
                        return new HeaderProbe(total, null, "no readable GGUF header: " + result.Error);
                    case GgufReadStatus.NeedMoreData when ended:
                        return new HeaderProbe(total, result.Metadata, "the file ends inside its GGUF header");
                    case GgufReadStatus.NeedMoreData when target >= MaxBytes:
                        return new HeaderProbe(total, result.Metadata, $"the GGUF metadata is longer than {MaxBytes / (1024 * 1024)} MiB; only what came before was read");
                }
                target = Math.Min(target * 4, MaxBytes);
                Array.Resize(ref buffer, target);
            }
        }
        finally
        {
            wholeBody?.Dispose();
            whole?.Dispose();
        }
    }

    // One request, following redirects by hand so that each hop passes the scheme and host checks.
    private async Task<(HttpResponseMessage Response, Uri Final)> SendAsync(Uri url, ModelSourcePolicy policy, long from, long to, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            if (url.Scheme is not ("http" or "https")) throw new ReadFailure($"a redirect led to the unsupported scheme {url.Scheme}://");
            if (!policy.AllowsRemoteHost(url.Host))
                throw new ReadFailure($"the host {url.Host} is not in {ModelSourcePolicy.RemoteHostsSetting}, so the silo does not fetch from it");
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Range = new RangeHeaderValue(from, to);
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop >= MaxRedirects) throw new ReadFailure($"more than {MaxRedirects} redirects");
                url = new Uri(url, location);
                continue;
            }
            return (response, url);
        }
    }

    private static async Task<int> FillAsync(Stream body, byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < count)
        {
            var read = await body.ReadAsync(buffer.AsMemory(offset + total, count - total), cancellationToken);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    private static (long From, long? Length)? ContentRange(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentRange is { From: { } from } range) return (from, range.Length);
        // Some servers send a Content-Range the typed header does not parse; read the common form by hand.
        return response.Content.Headers.TryGetValues("Content-Range", out var values)
               && ContentRangeRegex().Match(values.First()) is { Success: true } m
               && long.TryParse(m.Groups[1].ValueSpan, out var start)
            ? (start, long.TryParse(m.Groups[2].ValueSpan, out var length) ? length : null)
            : null;
    }

    private static HeaderProbe Failed(string error) => new(null, null, error);

    [GeneratedRegex(@"^bytes (\d+)-\d+/(\d+|\*)$")]
    private static partial Regex ContentRangeRegex();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "could not read the GGUF header of a model file on {Host}: {Reason}")]
    private partial void LogReadFailed(string host, string reason);

    private sealed class ReadFailure(string message) : Exception(message);
}
