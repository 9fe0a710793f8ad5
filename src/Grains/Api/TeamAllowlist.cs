namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class TeamAllowlist
{
    [Id(0)] public string? Team { get; set; }
    [Id(1)] public List<string>? Models { get; set; }
}
