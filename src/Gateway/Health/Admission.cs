using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Health;

/// <summary>What the dispatcher may do with a backend right now.</summary>
internal enum Admission { Go, NeedProbe, Skip }
