using System.Text;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// One request as <see cref="FakeUpstream"/> received it, so a test can assert what the gateway forwarded.
/// </summary>
/// <param name="Method">HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">Request path, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Query">Raw query string including the leading <c>?</c>, or empty.</param>
/// <param name="Headers">Request headers; names are lower-case and looked up case-insensitively.</param>
/// <param name="Body">The full request body.</param>
/// <param name="ReceivedAt">When the body had been read and the request recorded.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string[]> Headers,
    byte[] Body,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The body decoded as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The first value of header <paramref name="name"/>, or null when absent.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Length > 0 ? values[0] : null;
}
