namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class JwtAuth
{
    [Id(0)] public string? Provider { get; set; }
    [Id(1)] public string? Issuer { get; set; }
    [Id(2)] public string? JwksURI { get; set; }
    [Id(3)] public string? TeamClaim { get; set; }
    [Id(4)] public string? HeaderKey { get; set; }
}
