namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class AuthPolicy
{
    [Id(0)] public JwtAuth? Jwt { get; set; }
    [Id(1)] public List<TeamAllowlist>? Allowlists { get; set; }
}
