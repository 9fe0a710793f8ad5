using LLMKube.Grains.Models;

namespace LLMKube.Grains.Tests.Models;

public sealed class GgufHeaderTests
{
    [Fact]
    public void AValidV3File_GivesEveryReportedField()
    {
        var result = GgufHeader.Read(GgufBuilder.Llama().Build());

        Assert.Equal(GgufReadStatus.Complete, result.Status);
        var gguf = result.Metadata!;
        Assert.Equal(("llama", "Meta Llama 3 8B Instruct", "Q4_K_M", "llama3"), (gguf.Architecture, gguf.ModelName, gguf.Quantization, gguf.License));
        Assert.Equal((8192L, 4096L, 32L, 32L), (gguf.ContextLength, gguf.EmbeddingSize, gguf.LayerCount, gguf.HeadCount));
        Assert.Equal((291L, 3), (gguf.TensorCount, gguf.FileVersion));
    }

    [Fact]
    public void Version2_AndSixtyFourBitIntegers_AreRead()
    {
        var bytes = new GgufBuilder { Version = 2, TensorCount = 7 }
            .String("general.architecture", "qwen2")
            .UInt64("qwen2.context_length", 32768)
            .UInt32("general.file_type", 7)
            .Build();

        var gguf = GgufHeader.Read(bytes).Metadata!;

        Assert.Equal((2, 7L, "qwen2", 32768L, "Q8_0"), (gguf.FileVersion, gguf.TensorCount, gguf.Architecture, gguf.ContextLength, gguf.Quantization));
        Assert.Null(gguf.HeadCount);
    }

    [Fact]
    public void ArchitectureKeys_BeforeTheArchitecture_AndOfOtherArchitectures_AreMatchedOnlyToIt()
    {
        var bytes = new GgufBuilder()
            .UInt32("llama.context_length", 4096)
            .UInt32("clip.context_length", 77)
            .String("general.architecture", "llama")
            .Build();

        Assert.Equal(4096L, GgufHeader.Read(bytes).Metadata!.ContextLength);
    }

    [Fact]
    public void ReadingStops_OnceEveryReportedKeyIsFound_EvenIfLaterBytesAreMissing()
    {
        var bytes = new GgufBuilder()
            .String("general.architecture", "llama").String("general.name", "n").String("general.license", "mit").UInt32("general.file_type", 1)
            .UInt32("llama.context_length", 1).UInt32("llama.embedding_length", 2).UInt32("llama.block_count", 3).UInt32("llama.attention.head_count", 4)
            .StringArray("tokenizer.ggml.tokens", Enumerable.Range(0, 10_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Build(tensorBytes: 0);
        var complete = GgufHeader.Read(bytes);
        var cut = GgufHeader.Read(bytes.AsSpan(0, bytes.Length / 2));

        Assert.Equal(GgufReadStatus.Complete, complete.Status);
        Assert.Equal(GgufReadStatus.Complete, cut.Status);
        Assert.Equal("F16", cut.Metadata!.Quantization);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(30)]
    [InlineData(5000)]
    public void APrefix_NeedsMoreData_WithWhatCameBefore(int length)
    {
        var bytes = GgufBuilder.Llama().Build();

        var result = GgufHeader.Read(bytes.AsSpan(0, length));

        Assert.Equal(GgufReadStatus.NeedMoreData, result.Status);
        if (length >= GgufHeader.FixedHeaderLength) Assert.Equal(291L, result.Metadata!.TensorCount);
        if (length >= 5000)
        {
            Assert.Equal("llama", result.Metadata!.Architecture);
            Assert.Equal(8192L, result.Metadata.ContextLength);
            Assert.Null(result.Metadata.Quantization);
        }
    }

    [Fact]
    public void EveryPrefix_OfAValidFile_GivesAResult_WithoutThrowing()
    {
        var bytes = GgufBuilder.Llama(vocabulary: 20).Build(tensorBytes: 0);
        for (var length = 0; length <= bytes.Length; length++)
        {
            var result = GgufHeader.Read(bytes.AsSpan(0, length));
            Assert.NotEqual(GgufReadStatus.Invalid, result.Status);
        }
    }

    public static TheoryData<string, byte[], string> Refused => new()
    {
        { "not GGUF", "PK\u0003\u0004 a zip file, not a model"u8.ToArray(), "not a GGUF file" },
        { "version 1", new GgufBuilder { Version = 1 }.Build(), "GGUF version 1 is not supported" },
        { "version 99", new GgufBuilder { Version = 99 }.Build(), "GGUF version 99 is not supported" },
        { "big-endian", new GgufBuilder { Version = 0x03000000 }.Build(), "big-endian" },
        { "tensor count", new GgufBuilder { TensorCount = ulong.MaxValue }.Build(), "implausible tensor count" },
        { "pair count", new GgufBuilder { DeclaredPairs = 1UL << 40 }.Build(), "implausible metadata count" },
        { "huge string", new GgufBuilder().Raw("general.name", GgufBuilder.TypeString, BitConverter.GetBytes(ulong.MaxValue)).Build(), "exceeds the bound" },
        { "huge key", HugeKey(), "exceeds the bound" },
        { "huge array", new GgufBuilder().Raw("a", GgufBuilder.TypeArray, [.. BitConverter.GetBytes(GgufBuilder.TypeUInt8), .. BitConverter.GetBytes(1UL << 62)]).Build(), "implausible array length" },
        { "unknown type", new GgufBuilder().Raw("a", 77, [0, 0, 0, 0]).Build(), "unknown value type 77" },
        { "unknown element type", new GgufBuilder().Raw("a", GgufBuilder.TypeArray, [.. BitConverter.GetBytes(55u), .. BitConverter.GetBytes(2UL)]).Build(), "unknown value type 55" },
        { "deep arrays", DeepArrays(), "nested too deeply" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void HostileOrForeignInput_IsInvalid_WithAReason(string what, byte[] bytes, string reason)
    {
        var result = GgufHeader.Read(bytes);

        Assert.True(result.Status == GgufReadStatus.Invalid, what);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomBytes_AfterAValidFixedHeader_NeverThrow()
    {
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(24, 600)];
            random.NextBytes(bytes);
            "GGUF"u8.CopyTo(bytes);
            BitConverter.GetBytes(3u).CopyTo(bytes, 4);
            BitConverter.GetBytes((ulong)random.Next(0, 100)).CopyTo(bytes, 8);
            BitConverter.GetBytes((ulong)random.Next(0, 100)).CopyTo(bytes, 16);
            var result = GgufHeader.Read(bytes);
            Assert.True(result.Status != GgufReadStatus.Invalid || result.Error is not null);
        }
    }

    [Fact]
    public void LongValues_AreCut_AndIntegersOfOtherTypes_AreIgnored()
    {
        var bytes = new GgufBuilder()
            .String("general.architecture", "llama")
            .String("general.name", new string('n', 5000))
            .Float32("llama.context_length", 4096f)
            .Raw("general.file_type", GgufBuilder.TypeUInt64, BitConverter.GetBytes(ulong.MaxValue))
            .Build();

        var gguf = GgufHeader.Read(bytes).Metadata!;

        Assert.Equal(256, gguf.ModelName!.Length);
        Assert.Null(gguf.ContextLength);
        Assert.Null(gguf.Quantization);
    }

    [Theory]
    [InlineData(15, "Q4_K_M")]
    [InlineData(0, "F32")]
    [InlineData(32, "BF16")]
    [InlineData(38, "MXFP4_MOE")]
    [InlineData(5, "file type 5")]
    public void FileTypes_HaveLlamaCppNames(long value, string name) => Assert.Equal(name, GgufFileType.Name(value));

    private static byte[] HugeKey()
    {
        var bytes = new GgufBuilder().String("k", "v").Build(tensorBytes: 0);
        BitConverter.GetBytes(ulong.MaxValue / 2).CopyTo(bytes, GgufHeader.FixedHeaderLength);
        return bytes;
    }

    // array<array<array<u8>>>: one level deeper than any real file.
    private static byte[] DeepArrays() => new GgufBuilder().Raw("a", GgufBuilder.TypeArray,
    [
        .. BitConverter.GetBytes(GgufBuilder.TypeArray), .. BitConverter.GetBytes(1UL),
        .. BitConverter.GetBytes(GgufBuilder.TypeArray), .. BitConverter.GetBytes(1UL),
        .. BitConverter.GetBytes(GgufBuilder.TypeArray), .. BitConverter.GetBytes(1UL),
    ]).Build();
}
