using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Observability;

namespace LLMKube.ControlPlane.Tests.Kubernetes;

/// <summary>
/// The control plane's metrics, as a meter listener in the test process sees them (the silo's /metrics exposes the
/// same instruments): reconciles by kind and result with their duration, full lists, and watch restarts.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class ControlPlaneMetricsTests(ApiServerFixture api) : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)> _measurements = new();

    private void Listen()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ControlPlaneMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i.Name, value, tags));
        _listener.Start();
    }

    private void Record(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value as string;
        _measurements.Enqueue((name, value, copy));
    }

    public void Dispose() => _listener.Dispose();

    private bool Saw(string name, params (string Key, string Value)[] tags)
        => _measurements.Any(m => m.Name == name && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value));

    [ApiServerFact]
    public async Task Reconciles_AreCountedAndTimed_AndFailuresCountAsErrors()
    {
        Listen();
        var ns = await api.CreateNamespaceAsync("metrics");
        // A service account that may read everything the control plane watches but write nothing: reconciles fail.
        var account = await api.KubectlWithInputAsync($$"""
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: reader, namespace: {{ns}}}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: reader, namespace: {{ns}}}
            rules:
            - apiGroups: [inference.llmkube.dev, apps, ""]
              resources: [modelrouters, inferenceservices, deployments, secrets]
              verbs: [get, list, watch]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: reader, namespace: {{ns}}}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
            subjects: [{kind: ServiceAccount, name: reader, namespace: {{ns}}}]
            """, "apply", "-f", "-");
        Assert.True(account.ExitCode == 0, account.StdErr);
        var token = await api.KubectlAsync("create", "token", "reader", "-n", ns, "--duration=1h");
        Assert.True(token.ExitCode == 0, token.StdErr);
        var reader = new KubernetesClientConfiguration { Host = api.Config.Host, SslCaCerts = api.Config.SslCaCerts, AccessToken = token.StdOut.Trim() };

        var router = await api.KubectlWithInputAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: {name: chat, namespace: {{ns}}}
            spec:
              backends:
              - name: cloud
                external: {provider: openai, model: gpt-4o-mini, url: "http://127.0.0.1:9"}
              rules:
              - name: all
                route: {backends: [cloud]}
            """, "apply", "-f", "-");
        Assert.True(router.ExitCode == 0, router.StdErr);

        // This account may not list every kind the control plane watches: past the sync timeout it reconciles what it saw.
        await using (var readOnly = await ControlPlaneSilo.StartAsync(api, "ro-" + ns, [ns], identity: reader,
                         configure: o => o.InitialSyncTimeout = TimeSpan.FromSeconds(1)))
        {
            await Eventually.GetAsync(() => Task.FromResult(Saw("llmkube_reconcile_total", ("kind", "ModelRouter"), ("result", "error"))),
                saw => saw, what: "a failed ModelRouter reconcile counted as an error");
        }
        Assert.True(Saw("llmkube_watch_lists_total", ("resource", "modelrouters")));

        await using var silo = await ControlPlaneSilo.StartAsync(api, "rw-" + ns, [ns]);
        await Eventually.GetAsync(() => Task.FromResult(Saw("llmkube_reconcile_total", ("kind", "ModelRouter"), ("result", "success"))),
            saw => saw, what: "a ModelRouter reconcile counted as a success");
        var durations = _measurements.Where(m => m.Name == "llmkube_reconcile_duration_seconds" && m.Tags.GetValueOrDefault("kind") == "ModelRouter").ToList();
        Assert.NotEmpty(durations);
        Assert.All(durations, d => Assert.InRange(d.Value, 0, 30));
    }
}
