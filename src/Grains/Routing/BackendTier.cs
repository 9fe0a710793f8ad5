using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>A backend tier: <c>local</c> may see sensitive data, <c>cloud</c> never does.</summary>
public enum BackendTier { Local, Cloud }
