using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// One kind in one namespace (or all), listed and watched as raw JSON over the client's authenticated
/// <see cref="HttpClient"/>. Written here rather than with KubernetesClient's <c>WatchAsync</c> (obsolete, and
/// needing a generated typed operation): our CRDs have no generated client, and a watch is just newline-delimited
/// <c>{"type","object"}</c> JSON.
/// </summary>
public sealed class WatchSource(k8s.Kubernetes client, string group, string version, string plural, string? ns, string? labelSelector = null)
{
    private readonly string? _namespace = string.IsNullOrEmpty(ns) ? null : ns;

    /// <summary>What logs call this source: <c>modelrouters.inference.llmkube.dev</c>, plus the namespace when it has one.</summary>
    public string Plural => plural;

    /// <summary>The watched namespace, or null for every namespace.</summary>
    public string? Namespace => _namespace;

    public string Name => (group.Length == 0 ? plural : $"{plural}.{group}") + (_namespace is null ? "" : $" in {_namespace}");

    private string BasePath => (group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}")
                               + (_namespace is null ? "" : $"/namespaces/{Uri.EscapeDataString(_namespace)}") + $"/{plural}";

    /// <summary>Lists every object; the list's resourceVersion is where the watch resumes.</summary>
    public async Task<(List<JsonElement> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(BasePath + (labelSelector is null ? "" : "?labelSelector=" + Uri.EscapeDataString(labelSelector)), HttpCompletionOption.ResponseContentRead, cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var list = document.RootElement;
        var items = list.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(i => i.Clone()).ToList()
            : [];
        var rv = list.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("resourceVersion", out var v) ? v.GetString() ?? "" : "";
        return (items, rv);
    }

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks until the API server ends the request after
    /// <paramref name="timeout"/>. An ERROR event (410 Gone after a compaction, most often) is thrown as <see cref="WatchFailedException"/>.
    /// </summary>
    public async IAsyncEnumerable<(WatchEventType Type, JsonElement Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = $"?watch=true&allowWatchBookmarks=true&timeoutSeconds={(int)Math.Max(1, timeout.TotalSeconds)}&resourceVersion={Uri.EscapeDataString(resourceVersion)}"
                    + (labelSelector is null ? "" : "&labelSelector=" + Uri.EscapeDataString(labelSelector));
        using var response = await SendAsync(BasePath + query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0) continue;
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var type = root.GetProperty("type").GetString() switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                _ => WatchEventType.Error,
            };
            var obj = root.GetProperty("object");
            if (type == WatchEventType.Error)
            {
                var code = obj.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
                var message = obj.TryGetProperty("message", out var m) ? m.GetString() : null;
                throw new WatchFailedException(code, $"watch of {Name} ended with {code}: {message}");
            }
            yield return (type, obj.Clone());
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri.ToString().TrimEnd('/') + "/" + path));
        // The client's HttpClient carries client certificates but not bearer tokens (a service account's, in a pod):
        // KubernetesClient adds those per request, so a raw request must ask its credentials too.
        if (client.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        var response = await client.HttpClient.SendAsync(request, completion, cancellationToken);
        if (response.IsSuccessStatusCode) return response;
        var status = response.StatusCode;
        response.Dispose();
        throw new WatchFailedException((int)status, $"{(path.Contains("watch=true", StringComparison.Ordinal) ? "watching" : "listing")} {Name} failed: {(int)status} {status}");
    }
}
