using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// A 429 is answered by falling back only when a later candidate could take the request now. From the last
/// <em>eligible</em> candidate (those after it quarantined or without their credential) it is relayed, with
/// its Retry-After, rather than turned into a 502 by a loop that had nowhere left to go.
/// </summary>
public sealed class RateLimitRelayTests
{
    private const string SlowDown = """{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}""";

    /// <summary>
    /// <c>primary, secondary</c> for every model but <c>warm</c>, which goes to <c>secondary</c> first: a
    /// request for it is how a test quarantines <c>secondary</c> (one 500 is enough here).
    /// </summary>
    private static Task<GatewayHost> StartAsync(FakeUpstream primary, string secondaryBackend) => GatewayHost.StartAsync(RouterYaml.Router(
        RouterYaml.Local("primary", primary.Port) + secondaryBackend,
        RouterYaml.Rule("warm", "secondary, primary", "{ models: [warm] }") + RouterYaml.Rule("all", "primary, secondary"),
        "proxy: { consecutive5xxThreshold: 1 }"));

    private static async Task QuarantineSecondaryAsync(GatewayHost host, FakeUpstream secondary)
    {
        secondary.Behavior = Behavior.Status(500);
        using var warm = await host.SendAsync("warm");
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // fell back to primary
        Assert.False(host.Routing.Current!.ByName["secondary"].Effective.IsClosed);
        secondary.ClearRequests();
        host.Audit.Clear();
    }

    [Fact]
    public async Task LaterCandidateQuarantined_The429IsRelayedWithItsRetryAfter()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var secondary = await FakeUpstream.StartAsync();
        await using var host = await StartAsync(primary, RouterYaml.Local("secondary", secondary.Port));
        await QuarantineSecondaryAsync(host, secondary);
        primary.Behavior = Behavior.Status(429, SlowDown, TimeSpan.FromSeconds(7));

        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal(SlowDown, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, secondary.RequestCount);
        var audit = (await host.Audit.WaitForAsync(1))[0];
        Assert.Equal(429, audit.GetProperty("status").GetInt32());
        Assert.Equal("primary", audit.GetProperty("backend").GetString());
        var attempt = Assert.Single(audit.GetProperty("attempts").EnumerateArray());
        Assert.Equal(429, attempt.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task LaterCandidateWithoutItsCredential_The429IsRelayed()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var keyless = await FakeUpstream.StartAsync();
        // GOOGLE_APPLICATION_CREDENTIALS is set neither in a Secret nor (in tests) in the environment.
        Assert.Null(Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS"));
        await using var host = await StartAsync(primary, $$"""
              - name: secondary
                external: { provider: vertex_ai, url: "{{keyless.BaseAddress.ToString().TrimEnd('/')}}", model: g, credentialsSecretRef: { name: absent } }

            """);
        primary.Behavior = Behavior.Status(429, SlowDown, TimeSpan.FromSeconds(3));

        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal(0, keyless.RequestCount);
    }

    [Fact]
    public async Task LaterCandidateEligible_The429FallsBack()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var secondary = await FakeUpstream.StartAsync();
        await using var host = await StartAsync(primary, RouterYaml.Local("secondary", secondary.Port));
        primary.Behavior = Behavior.Status(429, SlowDown, TimeSpan.FromSeconds(7));

        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal(1, secondary.RequestCount);
        var audit = (await host.Audit.WaitForAsync(1))[0];
        Assert.Equal("secondary", audit.GetProperty("backend").GetString());
        var attempts = audit.GetProperty("attempts");
        Assert.Equal("rate_limited", attempts[0].GetProperty("outcome").GetString());
        Assert.Equal(429, attempts[0].GetProperty("status").GetInt32());
    }
}
