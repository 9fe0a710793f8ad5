using System.Text.Json;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Observability.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Dashboards;

/// <summary>
/// The chart's Grafana dashboard: it parses, it has the panels an operator looks for, and every PromQL expression in
/// it (with Grafana's variables filled in as Grafana would) is accepted by the real Prometheus's query API.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class GrafanaDashboardTests(ObservabilityFixture fixture)
{
    private static string DashboardFile => Path.Combine(ChartRenderer.Chart, "dashboards", "llmkube-router.json");

    [PrometheusFact]
    public async Task EveryExpression_IsAcceptedByPrometheus()
    {
        var expressions = Expressions(JsonDocument.Parse(await File.ReadAllTextAsync(DashboardFile)).RootElement).ToList();
        Assert.True(expressions.Count >= 15, $"only {expressions.Count} expressions");
        foreach (var (panel, expression) in expressions)
        {
            var promql = expression.Replace("$__rate_interval", "1m").Replace("$__interval", "1m").Replace("$__range", "1h").Replace("$router", ".*");
            Assert.DoesNotContain("$", promql);
            try
            {
                await fixture.Prometheus.QueryAsync(promql);
            }
            catch (InvalidOperationException ex)
            {
                Assert.Fail($"panel \"{panel}\": {ex.Message}");
            }
        }
    }

    [Fact]
    public async Task TheDashboard_CoversRequestsErrorsLatencyTokensBreakersAndFailClosed()
    {
        var root = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardFile)).RootElement;
        Assert.Equal("llmkube-router", root.GetProperty("uid").GetString());
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Equal(["datasource", "router"], variables);
        var all = string.Join("\n", Expressions(root).Select(e => e.Expression));
        foreach (var needed in new[]
        {
            "llmkube_router_requests_total", "outcome!~\"ok|ok_stream\"", "histogram_quantile(0.5, sum by (le, backend) (rate(llmkube_router_first_token_seconds_bucket",
            "histogram_quantile(0.99, sum by (le, backend) (rate(llmkube_router_first_token_seconds_bucket", "gen_ai_client_token_usage_sum",
            "llmkube_router_circuit_state", "llmkube_router_fail_closed_total", "llmkube_router_cost_usd_total", "llmkube_reconcile_total",
        })
        {
            Assert.Contains(needed, all);
        }
        // Every query panel reads the chosen data source, so the dashboard imports into any Grafana.
        foreach (var panel in root.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row"))
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
    }

    private static IEnumerable<(string Panel, string Expression)> Expressions(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray())
                yield return (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!);
        }
    }
}
