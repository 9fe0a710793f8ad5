using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Accounting;

/// <summary>
/// One fake upstream behind one standalone gateway, shared by the accounting tests of a class. Two backends
/// reach the upstream without a model override: <c>priced</c> (the default route) declares
/// <c>costPerMillionTokens</c> of 0.1 USD per prompt and 0.2 USD per completion token; <c>free</c> (model
/// <c>free</c>) declares none. Requests carry their own <c>x-request-id</c>, so each finds its audit line.
/// </summary>
public class AccountingGateway : UpstreamGateway
{
    public const decimal PromptUsd = 0.1m;
    public const decimal CompletionUsd = 0.2m;

    protected override string Resources(FakeUpstream upstream) => RouterYaml.InferenceService("svc", upstream.Port) + RouterYaml.Router(
        RouterYaml.ServiceBackend("priced", "svc", $"costPerMillionTokens: {{ promptUSD: \"{PromptUsd}\", completionUSD: \"{CompletionUsd}\" }}")
        + RouterYaml.ServiceBackend("free", "svc"),
        RouterYaml.Rule("free", "free", "{ models: [free] }"),
        "defaultRoute: priced");

    /// <summary>Sends <paramref name="json"/> to <paramref name="path"/>; returns the response, the bytes the client read, and its audit line.</summary>
    public async Task<Exchange> SendAsync(string path, string json, params (string Name, string Value)[] headers)
    {
        var id = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-request-id", id);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await Host.Client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var audit = await Host.Audit.WaitForRequestAsync(l => l.GetProperty("requestId").GetString() == id);
        var sent = RequestsWithId(id).LastOrDefault();
        return new Exchange((int)response.StatusCode, body, audit, sent);
    }

    /// <summary>One request through the gateway: what the client got, what the audit line says, what the upstream received.</summary>
    public sealed record Exchange(int Status, byte[] Body, JsonElement Audit, RecordedRequest? Sent)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public long? Number(string name) => Audit.TryGetProperty(name, out var value) ? value.GetInt64() : null;

        /// <summary>The prompt, completion and total tokens of the audit line; null when it has none.</summary>
        public (long Prompt, long Completion, long Total)? Tokens => Audit.TryGetProperty("promptTokens", out var prompt)
            ? (prompt.GetInt64(), Audit.GetProperty("completionTokens").GetInt64(), Audit.GetProperty("totalTokens").GetInt64())
            : null;

        public string? Usage => Audit.TryGetProperty("usage", out var usage) ? usage.GetString() : null;

        /// <summary>The JSON of every <c>data:</c> event but <c>[DONE]</c>.</summary>
        public List<JsonElement> Events => [.. Text.Split("\n").Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && l != "data: [DONE]")
            .Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement.Clone())];
    }
}
