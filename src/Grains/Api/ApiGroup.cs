namespace LLMKube.Grains.Api;
/// <summary>The API group and version of every LLMKube resource.</summary>
public static class ApiGroup { public const string Version = "inference.llmkube.dev/v1alpha1"; }
