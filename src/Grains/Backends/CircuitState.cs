namespace LLMKube.Grains.Backends;

/// <summary>Circuit states. Half-open is not stored: it is <see cref="Open"/> once the quarantine has ended.</summary>
public enum CircuitState { Closed, Open }
