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

[GenerateSerializer]
public sealed class BudgetSpec
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Scope { get; set; }
    [Id(2)] public string? RuleName { get; set; }
    [Id(3)] public string? HeaderKey { get; set; }
    [Id(4)] public int? WindowSeconds { get; set; }
    [Id(5)] public long? MaxTokens { get; set; }
    [Id(6)] public string? MaxUSD { get; set; }
}

[GenerateSerializer]
public sealed class ClassificationPolicy
{
    [Id(0)] public string? Mode { get; set; }
    [Id(1)] public string? HeaderKey { get; set; }
    [Id(2)] public List<string>? SensitiveClassifications { get; set; }
}

[GenerateSerializer]
public sealed class AuditLogPolicy
{
    [Id(0)] public string? Sink { get; set; }
    [Id(1)] public string? FilePath { get; set; }
    [Id(2)] public bool IncludeRequestBody { get; set; }
}

[GenerateSerializer]
public sealed class AuthPolicy
{
    [Id(0)] public JwtAuth? Jwt { get; set; }
    [Id(1)] public List<TeamAllowlist>? Allowlists { get; set; }
}

[GenerateSerializer]
public sealed class JwtAuth
{
    [Id(0)] public string? Provider { get; set; }
    [Id(1)] public string? Issuer { get; set; }
    [Id(2)] public string? JwksURI { get; set; }
    [Id(3)] public string? TeamClaim { get; set; }
    [Id(4)] public string? HeaderKey { get; set; }
}

[GenerateSerializer]
public sealed class TeamAllowlist
{
    [Id(0)] public string? Team { get; set; }
    [Id(1)] public List<string>? Models { get; set; }
}
