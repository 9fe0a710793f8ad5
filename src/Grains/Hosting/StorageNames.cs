namespace LLMKube.Grains.Hosting;

/// <summary>Names of the Orleans grain storage providers the grains use.</summary>
public static class StorageNames
{
    /// <summary>Memory in standalone, Redis in a cluster.</summary>
    public const string Default = "llmkube";
}
