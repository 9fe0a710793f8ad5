using System.Net.Http.Json;
using System.Text;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>Request helpers for the OpenAI chat completions endpoint.</summary>
public static class Chat
{
    public static HttpRequestMessage Request(string model = "m", bool stream = false, params (string Name, string Value)[] headers)
    {
        var body = stream
            ? $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}"""
            : $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(this GatewayHost host, string model = "m", params (string Name, string Value)[] headers)
        => host.Client.SendAsync(Request(model, false, headers));

    /// <summary>The <c>error.code</c> of an OpenAI-shaped error body.</summary>
    public static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        var json = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var error = json.GetProperty("error");
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }
}
