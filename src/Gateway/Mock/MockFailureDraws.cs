using System.Collections.Concurrent;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// The seeded coin flips behind <c>failureRate</c>: one sequence per mock address and model (in
/// practice, per backend), so the same seed fails the same requests of that backend in every run.
/// </summary>
internal sealed class MockFailureDraws
{
    // Addresses come from validated configuration; the cap only bounds a long run of live edits.
    private const int MaxSequences = 1024;

    private readonly ConcurrentDictionary<(string Address, string Model), Sequence> _sequences = new();

    /// <summary>True when the next request of this backend fails.</summary>
    public bool NextFails(string address, string model, MockOptions options)
    {
        var rate = options.EffectiveFailureRate;
        if (rate <= 0) return false;
        if (rate >= 1) return true;
        if (_sequences.Count >= MaxSequences) _sequences.Clear();
        return _sequences.GetOrAdd((address, model), static (_, seed) => new Sequence(seed), options.Seed).Next() < rate;
    }

    /// <summary>SplitMix64: tiny, fast, and the same numbers on every platform and .NET version.</summary>
    private sealed class Sequence(int seed)
    {
        private readonly Lock _gate = new();
        private ulong _state = (ulong)seed;

        public double Next()
        {
            lock (_gate)
            {
                var z = _state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                return (z >> 11) * (1.0 / (1UL << 53));
            }
        }
    }
}
