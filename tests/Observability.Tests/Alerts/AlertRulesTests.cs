using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.ControlPlane.Tests.Packaging;
using LLMKube.Observability.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Alerts;

/// <summary>
/// The chart's PrometheusRule, rendered as Helm would, its rule groups extracted into a plain rules file: promtool
/// accepts it, and evaluates each alert against series that should fire it and series that should not.
/// </summary>
public sealed partial class AlertRulesTests : IDisposable
{
    private const string Router = "team-a/chat";
    private readonly string _directory = Directory.CreateTempSubdirectory("llmkube-rules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [PrometheusChartFact]
    public async Task TheChartsAlertRules_PassPromtoolCheck_AndFireExactlyWhenTheyShould()
    {
        var render = await ChartRenderer.RenderWithAsync("llmkube-orleans", "monitoring", "metrics: {prometheusRule: {enabled: true}}");
        Assert.True(render.ExitCode == 0, render.StdErr);
        var groups = new RenderedChart(render.StdOut).Single("PrometheusRule", "llmkube-orleans")["spec"]!["groups"]!;
        var rules = Path.Combine(_directory, "rules.yml");
        // JSON is YAML: the groups go to promtool exactly as the operator would load them.
        await File.WriteAllTextAsync(rules, new JsonObject { ["groups"] = groups.DeepClone() }.ToJsonString());
        var alerts = groups.AsArray().SelectMany(g => g!["rules"]!.AsArray()).ToDictionary(r => (string)r!["alert"]!, r => r!.AsObject());

        var check = await PrometheusServer.PromtoolAsync("check", "rules", rules);
        Assert.True(check.ExitCode == 0, check.StdOut + check.StdErr);
        Assert.Contains("SUCCESS: 5 rules found", check.StdOut);

        var test = Path.Combine(_directory, "rules-test.yml");
        await File.WriteAllTextAsync(test, RulesTest(alerts));
        var run = await PrometheusServer.PromtoolAsync("test", "rules", test);
        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("SUCCESS", run.StdOut);
    }

    // Each alert: series that fire it (and when), and series beside them that must not.
    private static string RulesTest(IReadOnlyDictionary<string, JsonObject> alerts) => $$"""
        rule_files: [rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              # Quarantined on both gateways for 10 minutes; "flapping" is closed on one gateway, so not quarantined.
              - series: 'llmkube_router_backend_health{router="{{Router}}", backend="dead", instance="gw-1"}'
                values: '0x10'
              - series: 'llmkube_router_backend_health{router="{{Router}}", backend="dead", instance="gw-2"}'
                values: '0x10'
              - series: 'llmkube_router_backend_health{router="{{Router}}", backend="flapping", instance="gw-1"}'
                values: '0x10'
              - series: 'llmkube_router_backend_health{router="{{Router}}", backend="flapping", instance="gw-2"}'
                values: '1x10'
              - series: 'llmkube_router_fail_closed_total{router="{{Router}}", rule="secret", classification="pii", instance="gw-1"}'
                values: '0 0 1 1 1 1 1 1 1 1 1 1'
              - series: 'llmkube_router_snapshot_age_seconds{router="{{Router}}", instance="gw-1"}'
                values: '1 2 45 1'
              - series: 'llmkube_router_snapshot_age_seconds{router="{{Router}}", instance="gw-2"}'
                values: '1 2 1 1'
              - series: 'llmkube_reconcile_total{kind="ModelRouter", result="error"}'
                values: '0+1x20'
              - series: 'llmkube_reconcile_total{kind="InferenceService", result="success"}'
                values: '0+5x20'
              - series: 'llmkube_watch_restarts_total{resource="modelrouters", reason="failed"}'
                values: '0+1x15'
              - series: 'llmkube_watch_restarts_total{resource="secrets", reason="expired"}'
                values: '0+1x15'
            alert_rule_test:
              - { eval_time: 4m, alertname: LLMKubeBackendQuarantined, exp_alerts: [] }
              - eval_time: 6m
                alertname: LLMKubeBackendQuarantined
                exp_alerts:
        {{Expected(alerts["LLMKubeBackendQuarantined"], new() { ["router"] = Router, ["backend"] = "dead" }, "0")}}
              - { eval_time: 1m, alertname: LLMKubeFailClosedRefusals, exp_alerts: [] }
              - eval_time: 3m
                alertname: LLMKubeFailClosedRefusals
                exp_alerts:
        {{Expected(alerts["LLMKubeFailClosedRefusals"], new() { ["router"] = Router, ["rule"] = "secret", ["classification"] = "pii" }, "")}}
              - { eval_time: 11m, alertname: LLMKubeFailClosedRefusals, exp_alerts: [] }
              - eval_time: 2m
                alertname: LLMKubeRoutingSnapshotStale
                exp_alerts:
        {{Expected(alerts["LLMKubeRoutingSnapshotStale"], new() { ["router"] = Router, ["instance"] = "gw-1" }, "45")}}
              - { eval_time: 3m, alertname: LLMKubeRoutingSnapshotStale, exp_alerts: [] }
              - { eval_time: 8m, alertname: LLMKubeReconcileErrors, exp_alerts: [] }
              - eval_time: 16m
                alertname: LLMKubeReconcileErrors
                exp_alerts:
        {{Expected(alerts["LLMKubeReconcileErrors"], new() { ["kind"] = "ModelRouter" }, "")}}
              - eval_time: 12m
                alertname: LLMKubeWatchFailing
                exp_alerts:
        {{Expected(alerts["LLMKubeWatchFailing"], new() { ["resource"] = "modelrouters" }, "")}}
        """;

    /// <summary>One expected alert: its labels and its annotations as Prometheus expands them for those labels and value.</summary>
    private static string Expected(JsonObject rule, Dictionary<string, string> labels, string value)
    {
        var all = new Dictionary<string, string>(labels);
        foreach (var (key, label) in rule["labels"]!.AsObject()) all[key] = (string)label!;
        var annotations = rule["annotations"]!.AsObject().ToDictionary(a => a.Key, a => Expand((string)a.Value!, labels, value));
        return $"""
                      - exp_labels: {new JsonObject([.. all.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]).ToJsonString()}
                        exp_annotations: {new JsonObject([.. annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]).ToJsonString()}
            """;
    }

    private static string Expand(string template, IReadOnlyDictionary<string, string> labels, string value)
    {
        var expanded = LabelReference().Replace(template, m => labels.TryGetValue(m.Groups[1].Value, out var v) ? v : "");
        return ValueReference().Replace(expanded, value);
    }

    [GeneratedRegex(@"\{\{\s*\$labels\.(\w+)\s*\}\}")]
    private static partial Regex LabelReference();

    [GeneratedRegex(@"\{\{\s*\$value\s*\}\}")]
    private static partial Regex ValueReference();
}
