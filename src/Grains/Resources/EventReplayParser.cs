using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LLMKube.Grains.Resources;

/// <summary>
/// Replays a slice of already-parsed YAML events into the deserializer. The events keep their
/// original marks, so deserialization errors point at the right line of the source file.
/// </summary>
internal sealed class EventReplayParser(IReadOnlyList<ParsingEvent> events, int start, int end) : IParser
{
    private int _next = start;

    public ParsingEvent? Current { get; private set; }

    public bool MoveNext()
    {
        if (_next >= end)
        {
            Current = null;
            return false;
        }

        Current = events[_next++];
        return true;
    }
}
