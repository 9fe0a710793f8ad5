using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>Sensitive data never reaches a cloud backend: refused when loading and when routing.</summary>
public sealed class FailClosedTests
{
    [Fact]
    public async Task SensitiveRequest_MatchingAFailClosedRuleWithACloudBackend_IsRefusedBeforeAnyUpstreamContact()
    {
        // Valid at load time (the rule matches no classification), so only the request-time gate can stop it.
        await using var cloud = await FakeUpstream.StartAsync();
        var yaml = RouterYaml.Router($$"""
              - name: cloud
                tier: cloud
                external: { provider: openai, url: "{{cloud.BaseAddress.ToString().TrimEnd('/')}}", model: gpt }

            """,
            RouterYaml.Rule("everything", "cloud", extra: "failClosed: true"));
        await using var host = await GatewayHost.StartAsync(yaml);

        using var sensitive = await host.SendAsync("m", ("x-llmkube-classification", "PII"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, sensitive.StatusCode);
        var (code, message) = await Chat.ErrorAsync(sensitive);
        Assert.Equal("fail_closed", code);
        Assert.Contains("sensitive classification \"pii\" cannot route to cloud-tier backend \"cloud\"", message);
        Assert.Equal(0, cloud.RequestCount);
        var audit = await host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() == "fail_closed");
        Assert.Equal("pii", audit.GetProperty("classification").GetString());

        using var ordinary = await host.SendAsync("m", ("x-llmkube-classification", "public"));
        Assert.Equal(HttpStatusCode.OK, ordinary.StatusCode);
        Assert.Equal(1, cloud.RequestCount);
    }

    [Fact]
    public async Task SensitiveRule_WithACloudBackend_IsRefusedAtLoadTime_AndOnReload()
    {
        await using var local = await FakeUpstream.StartAsync();
        var good = RouterYaml.Router(RouterYaml.Local("local", local.Port),
            RouterYaml.Rule("pii", "local", "{ dataClassification: [pii] }", "failClosed: true"), "defaultRoute: local");
        await using var host = await GatewayHost.StartAsync(good);

        var bad = RouterYaml.Router(RouterYaml.Local("local", local.Port) + """
              - name: cloud-x
                external: { provider: openai, model: gpt-4o }

            """,
            RouterYaml.Rule("pii", "local, cloud-x", "{ dataClassification: [pii] }", "failClosed: true"), "defaultRoute: local");
        var result = await host.RewriteAsync(bad);

        Assert.False(result.Applied);
        Assert.Contains(result.Problems, p => p.EndsWith("spec.rules[0].route.backends[1]: backend \"cloud-x\" is tier cloud but rule \"pii\" matches sensitive data"));
        Assert.Contains(host.Logs.Messages, m => m.Contains("reload refused") && m.Contains("cloud-x"));
        using var response = await host.SendAsync("m", ("x-llmkube-classification", "pii"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the last good config keeps serving
    }
}
