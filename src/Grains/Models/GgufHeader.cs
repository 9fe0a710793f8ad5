using System.Buffers.Binary;
using System.Text;
using LLMKube.Grains.Api;

namespace LLMKube.Grains.Models;

/// <summary>
/// Reads the metadata we report from the start of a GGUF file: magic <c>GGUF</c>, version (2 or 3, little-endian),
/// tensor and key/value counts, then the key/value pairs. Hand-written because no GGUF reader is packaged for .NET on
/// our feed, and we need only a few keys. Pure and defensive: any byte prefix (truncated, garbage, hostile) gives a
/// result, never an exception, and no count or length in the input makes it allocate more than a few small strings.
/// </summary>
public static class GgufHeader
{
    /// <summary>Fixed part: magic, version, tensor count, key/value count.</summary>
    public const int FixedHeaderLength = 24;

    /// <summary>The longest key or string value accepted; a longer one means a corrupt or hostile header.</summary>
    public const ulong MaxStringLength = 16 * 1024 * 1024;

    /// <summary>The most key/value pairs accepted (real files have tens).</summary>
    public const ulong MaxKeyValueCount = 65_536;

    /// <summary>The most tensors accepted (real files have at most tens of thousands).</summary>
    public const ulong MaxTensorCount = 1 << 20;

    /// <summary>The most elements of one array (a tokenizer vocabulary has a few hundred thousand).</summary>
    public const ulong MaxArrayLength = 1 << 24;

    private const int MaxKeptString = 256;
    private const int MaxArrayDepth = 2;
    private const uint TypeArray = 9;
    private const uint TypeString = 8;

    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    // Fixed sizes of the scalar value types, by GGUF type id: u8 i8 u16 i16 u32 i32 f32 bool string array u64 i64 f64.
    private static ReadOnlySpan<byte> ScalarSizes => [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8];

    private static readonly string[] _archSuffixes = [".context_length", ".embedding_length", ".block_count", ".attention.head_count"];

    /// <summary>Reads what <paramref name="data"/> (the first bytes of a file) holds of the header.</summary>
    public static GgufReadResult Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) return new(GgufReadStatus.NeedMoreData, null);
        if (!data[..4].SequenceEqual(Magic)) return Invalid("not a GGUF file (the first bytes are not \"GGUF\")");
        if (data.Length < FixedHeaderLength) return new(GgufReadStatus.NeedMoreData, null);
        var version = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (version is 0x02000000 or 0x03000000) return Invalid("big-endian GGUF files are not supported");
        if (version is not (2 or 3)) return Invalid($"GGUF version {version} is not supported (only 2 and 3)");
        var tensors = BinaryPrimitives.ReadUInt64LittleEndian(data[8..]);
        var pairs = BinaryPrimitives.ReadUInt64LittleEndian(data[16..]);
        if (tensors > MaxTensorCount) return Invalid($"implausible tensor count {tensors}");
        if (pairs > MaxKeyValueCount) return Invalid($"implausible metadata count {pairs}");

        var found = new Found { Metadata = new GgufMetadata { FileVersion = (int)version, TensorCount = (long)tensors } };
        var cursor = new Cursor(data, FixedHeaderLength);
        for (ulong i = 0; i < pairs; i++)
        {
            var step = ReadPair(ref cursor, found);
            if (step == Step.NeedMore) return new(GgufReadStatus.NeedMoreData, found.Finish());
            if (step == Step.Invalid) return Invalid(cursor.Error!, found.Finish());
            if (found.IsComplete) break;
        }
        return new(GgufReadStatus.Complete, found.Finish());
    }

    private static Step ReadPair(ref Cursor cursor, Found found)
    {
        var step = cursor.ReadString(MaxKeptString, out var key);
        if (step != Step.Ok) return step;
        if ((step = cursor.ReadU32(out var type)) != Step.Ok) return step;
        var wanted = key is not null && IsWanted(key);
        if (!wanted || type is TypeArray) return SkipValue(ref cursor, type, 0);
        if (type == TypeString)
        {
            if ((step = cursor.ReadString(MaxKeptString, out var text)) != Step.Ok) return step;
            found.SetString(key!, text);
            return Step.Ok;
        }
        if ((step = cursor.ReadInteger(type, out var number)) != Step.Ok) return step;
        found.SetNumber(key!, number);
        return Step.Ok;
    }

    private static Step SkipValue(ref Cursor cursor, uint type, int depth)
    {
        if (type == TypeString) return cursor.ReadString(0, out _);
        if (type < ScalarSizes.Length && ScalarSizes[(int)type] > 0) return cursor.Skip(ScalarSizes[(int)type]);
        if (type != TypeArray) return cursor.Fail($"unknown value type {type}");
        if (depth >= MaxArrayDepth) return cursor.Fail("arrays nested too deeply");
        Step step;
        if ((step = cursor.ReadU32(out var elementType)) != Step.Ok) return step;
        if ((step = cursor.ReadU64(out var count)) != Step.Ok) return step;
        if (count > MaxArrayLength) return cursor.Fail($"implausible array length {count}");
        if (elementType < ScalarSizes.Length && ScalarSizes[(int)elementType] > 0)
            return cursor.Skip((long)count * ScalarSizes[(int)elementType]);
        for (ulong i = 0; i < count; i++)
        {
            // Each element consumes at least 8 bytes or stops the walk, so this loop is bounded by the data.
            if ((step = SkipValue(ref cursor, elementType, depth + 1)) != Step.Ok) return step;
        }
        return Step.Ok;
    }

    private static bool IsWanted(string key)
        => key is "general.architecture" or "general.name" or "general.file_type" or "general.license"
           || _archSuffixes.Any(s => key.EndsWith(s, StringComparison.Ordinal));

    private static GgufReadResult Invalid(string error, GgufMetadata? metadata = null) => new(GgufReadStatus.Invalid, metadata, error);

    private enum Step { Ok, NeedMore, Invalid }

    /// <summary>What the wanted keys said so far; architecture-specific keys are matched once the architecture is known.</summary>
    private sealed class Found
    {
        private readonly Dictionary<string, long> _archValues = new(StringComparer.Ordinal);

        public required GgufMetadata Metadata { get; init; }

        public bool IsComplete => Metadata.Architecture is { } arch && Metadata.ModelName is not null && Metadata.Quantization is not null
                                  && Metadata.License is not null && _archSuffixes.All(s => _archValues.ContainsKey(arch + s));

        public void SetString(string key, string? value)
        {
            switch (key)
            {
                case "general.architecture": Metadata.Architecture = value; break;
                case "general.name": Metadata.ModelName = value; break;
                case "general.license": Metadata.License = value; break;
            }
        }

        public void SetNumber(string key, long? value)
        {
            if (value is not { } number) return;
            if (key == "general.file_type") Metadata.Quantization = GgufFileType.Name(number);
            // Bounded: only keys with one of four suffixes, and a header has at most MaxKeyValueCount pairs.
            else if (_archValues.Count < 256) _archValues[key] = number;
        }

        public GgufMetadata Finish()
        {
            if (Metadata.Architecture is { } arch)
            {
                Metadata.ContextLength = _archValues.TryGetValue(arch + ".context_length", out var c) ? c : null;
                Metadata.EmbeddingSize = _archValues.TryGetValue(arch + ".embedding_length", out var e) ? e : null;
                Metadata.LayerCount = _archValues.TryGetValue(arch + ".block_count", out var b) ? b : null;
                Metadata.HeadCount = _archValues.TryGetValue(arch + ".attention.head_count", out var h) ? h : null;
            }
            return Metadata;
        }
    }

    /// <summary>A position in the bytes; every read checks the bounds first and reports NeedMore instead of throwing.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private long _position = position;

        public string? Error { get; private set; }

        public Step ReadU32(out uint value)
        {
            value = 0;
            if (_position + 4 > _data.Length) return Step.NeedMore;
            value = BinaryPrimitives.ReadUInt32LittleEndian(_data[(int)_position..]);
            _position += 4;
            return Step.Ok;
        }

        public Step ReadU64(out ulong value)
        {
            value = 0;
            if (_position + 8 > _data.Length) return Step.NeedMore;
            value = BinaryPrimitives.ReadUInt64LittleEndian(_data[(int)_position..]);
            _position += 8;
            return Step.Ok;
        }

        public Step Skip(long count)
        {
            if (count < 0 || _position + count > _data.Length) return Step.NeedMore;
            _position += count;
            return Step.Ok;
        }

        /// <summary>Reads a GGUF string (u64 length, UTF-8 bytes), keeping at most <paramref name="keep"/> characters (0: skip it).</summary>
        public Step ReadString(int keep, out string? value)
        {
            value = null;
            var step = ReadU64(out var length);
            if (step != Step.Ok) return step;
            if (length > MaxStringLength) return Fail($"a string of {length} bytes exceeds the bound of {MaxStringLength}");
            if (_position + (long)length > _data.Length) return Step.NeedMore;
            if (keep > 0)
            {
                var bytes = _data.Slice((int)_position, (int)Math.Min((long)length, keep * 4L));
                var text = Encoding.UTF8.GetString(bytes);
                value = text.Length > keep ? text[..keep] : text;
            }
            _position += (long)length;
            return Step.Ok;
        }

        /// <summary>Reads a scalar of <paramref name="type"/> as an integer; a non-integer type or an unsigned 64-bit value beyond long gives null.</summary>
        public Step ReadInteger(uint type, out long? value)
        {
            value = null;
            if (type >= ScalarSizes.Length || ScalarSizes[(int)type] == 0) return Fail($"unknown value type {type}");
            var size = ScalarSizes[(int)type];
            if (_position + size > _data.Length) return Step.NeedMore;
            var bytes = _data.Slice((int)_position, size);
            value = type switch
            {
                0 => bytes[0],
                1 => (sbyte)bytes[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                3 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                5 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                10 => BinaryPrimitives.ReadUInt64LittleEndian(bytes) is var u and <= long.MaxValue ? (long)u : null,
                11 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                _ => null,
            };
            _position += size;
            return Step.Ok;
        }

        public Step Fail(string error)
        {
            Error = $"{error} (at byte {_position})";
            return Step.Invalid;
        }
    }
}
