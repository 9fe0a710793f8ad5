namespace LLMKube.Grains.Api;

/// <summary><c>spec.policy</c>.</summary>
[GenerateSerializer]
public sealed class RouterPolicy
{
    [Id(0)] public List<BudgetSpec>? Budgets { get; set; }
    [Id(1)] public ClassificationPolicy? Classification { get; set; }
    [Id(2)] public AuditLogPolicy? AuditLog { get; set; }
    [Id(3)] public AuthPolicy? Auth { get; set; }
}
