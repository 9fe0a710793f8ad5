using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Health;

/// <summary>
/// What the dispatcher may do with a backend right now: send, ask for the half-open probe, skip it while its
/// circuit is open, or skip it while a lifecycle block keeps it out of rotation (never tried, not even in panic mode).
/// </summary>
internal enum Admission { Go, NeedProbe, Skip, Unavailable }
