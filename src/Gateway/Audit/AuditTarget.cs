using LLMKube.Gateway.Routing;

namespace LLMKube.Gateway.Audit;

/// <summary>Points the audit log at the served router's <c>spec.policy.auditLog</c> file, and follows it on every new plan.</summary>
internal sealed class AuditTarget(RoutingState routing, AuditLog audit) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        routing.Applied += OnApplied;
        if (routing.Current is { } plan) OnApplied(plan);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        routing.Applied -= OnApplied;
        return Task.CompletedTask;
    }

    private void OnApplied(RoutePlan plan) => audit.UseFile(plan.Config.AuditFile);
}
