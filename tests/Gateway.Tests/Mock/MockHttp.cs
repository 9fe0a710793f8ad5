using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>Request and server-sent-event helpers for the mock provider's tests.</summary>
internal static class MockHttp
{
    /// <summary>A router <c>default/test</c> whose default route is the backend <c>echo</c>.</summary>
    public static string Router(string backends, string rules = "", string proxy = "")
        => RouterYaml.Router(backends, rules, "defaultRoute: echo" + (proxy.Length > 0 ? "\nproxy: " + proxy : ""));

    /// <summary>One mock backend block; <paramref name="url"/> carries its options.</summary>
    public static string Backend(string name, string? url = null) => $$"""
          - name: {{name}}
            external: { provider: mock, model: {{name}}-model{{(url is null ? "" : $", url: \"{url}\"")}} }

        """;

    public static HttpRequestMessage Post(string path, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static string Chat(string content = "Say hello", bool stream = false, bool includeUsage = false, string model = "anything") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["stream"] = stream,
            ["stream_options"] = includeUsage ? new Dictionary<string, bool> { ["include_usage"] = true } : null,
            ["messages"] = new[] { new { role = "system", content = "Be brief." }, new { role = "user", content } },
        });

    /// <summary>The events of an SSE body: (event name or null, data).</summary>
    public static List<(string? Event, string Data)> Events(string body)
    {
        var events = new List<(string?, string)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            var data = new StringBuilder();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line["data: ".Length..]);
            }

            events.Add((name, data.ToString()));
        }

        return events;
    }

    /// <summary>The parsed JSON of every data event but <c>[DONE]</c>.</summary>
    public static List<JsonElement> Json(IEnumerable<(string? Event, string Data)> events)
        => [.. events.Where(e => e.Data != "[DONE]").Select(e => JsonDocument.Parse(e.Data).RootElement.Clone())];
}
