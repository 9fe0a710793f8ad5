using System.Text;

namespace LLMKube.Grains.Tests.Models;

/// <summary>
/// Writes GGUF files for tests: the fixed header, key/value pairs of any type (including malformed ones) and filler
/// standing in for tensor data. Little-endian, as the format is.
/// </summary>
public sealed class GgufBuilder
{
    public const uint TypeUInt8 = 0, TypeUInt32 = 4, TypeInt32 = 5, TypeFloat32 = 6, TypeBool = 7, TypeString = 8, TypeArray = 9, TypeUInt64 = 10;

    private readonly List<byte[]> _pairs = [];

    public uint Version { get; set; } = 3;

    public ulong TensorCount { get; set; } = 291;

    /// <summary>Overrides the key/value count written in the header (a lie, for hostile-input tests).</summary>
    public ulong? DeclaredPairs { get; set; }

    /// <summary>A small llama model: what a converted Llama 3 8B Q4_K_M says about itself, plus a tokenizer vocabulary.</summary>
    public static GgufBuilder Llama(int vocabulary = 1000) => new GgufBuilder()
        .String("general.architecture", "llama")
        .String("general.name", "Meta Llama 3 8B Instruct")
        .UInt32("llama.block_count", 32)
        .UInt32("llama.context_length", 8192)
        .UInt32("llama.embedding_length", 4096)
        .UInt32("llama.attention.head_count", 32)
        .Float32("llama.rope.freq_base", 500000f)
        .StringArray("tokenizer.ggml.tokens", Enumerable.Range(0, vocabulary).Select(i => $"token-{i}"))
        .Int32Array("tokenizer.ggml.token_type", Enumerable.Repeat(1, vocabulary))
        .String("general.license", "llama3")
        // llama.cpp's quantize tool appends general.file_type after everything else.
        .UInt32("general.file_type", 15);

    public GgufBuilder String(string key, string value) => Pair(key, TypeString, w => WriteString(w, value));

    public GgufBuilder UInt32(string key, uint value) => Pair(key, TypeUInt32, w => w.Write(value));

    public GgufBuilder UInt64(string key, ulong value) => Pair(key, TypeUInt64, w => w.Write(value));

    public GgufBuilder Float32(string key, float value) => Pair(key, TypeFloat32, w => w.Write(value));

    public GgufBuilder StringArray(string key, IEnumerable<string> values)
    {
        var list = values.ToList();
        return Pair(key, TypeArray, w =>
        {
            w.Write(TypeString);
            w.Write((ulong)list.Count);
            foreach (var value in list) WriteString(w, value);
        });
    }

    public GgufBuilder Int32Array(string key, IEnumerable<int> values)
    {
        var list = values.ToList();
        return Pair(key, TypeArray, w =>
        {
            w.Write(TypeInt32);
            w.Write((ulong)list.Count);
            foreach (var value in list) w.Write(value);
        });
    }

    /// <summary>A pair whose value bytes are written as given after the type id: for malformed input.</summary>
    public GgufBuilder Raw(string key, uint type, byte[] value) => Pair(key, type, w => w.Write(value));

    /// <summary>The file: header, pairs, then <paramref name="tensorBytes"/> bytes of filler.</summary>
    public byte[] Build(int tensorBytes = 4096)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write(Version);
            w.Write(TensorCount);
            w.Write(DeclaredPairs ?? (ulong)_pairs.Count);
            foreach (var pair in _pairs) w.Write(pair);
            for (var i = 0; i < tensorBytes; i++) w.Write((byte)(i * 31));
        }
        return stream.ToArray();
    }

    private GgufBuilder Pair(string key, uint type, Action<BinaryWriter> value)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            WriteString(w, key);
            w.Write(type);
            value(w);
        }
        _pairs.Add(stream.ToArray());
        return this;
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
