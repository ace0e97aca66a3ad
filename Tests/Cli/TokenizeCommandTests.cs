using ScalePlanner.Executor.Data.Corpus;

namespace ScalePlanner.Tests.Cli;

public class TokenizeCommandTests
{
    private const string Tiny = """
        { "model": { "layers": 2, "hidden": 64, "heads": 4, "vocab": VOCAB, "sequenceLength": 32, "tiedEmbeddings": true, "biases": true },
          "cluster": { "accelerator": "cpu", "nodes": 1, "devicesPerNode": 1 },
          "training": { "globalBatchSize": 8, "tokens": 1e6, "flashAttention": false } }
        """;

    private static string TextFile(int bytes)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-text-").FullName, "input.txt");
        const string verse = "Tyger Tyger, burning bright, In the forests of the night; ";
        File.WriteAllText(path, string.Concat(Enumerable.Repeat(verse, bytes / verse.Length + 1))[..bytes]);
        return path;
    }

    private static string Shards(int bytes, int perShard)
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-shards-").FullName, "shards");
        var outcome = Cli.Run("tokenize", TextFile(bytes), "--out", folder, "--shard-tokens", perShard.ToString());
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        return folder;
    }

    [Fact]
    public void Should_Write_Byte_Tokens_Into_Shards_Of_The_Asked_Size()
    {
        string text = TextFile(2500);
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-shards-").FullName, "shards");
        var outcome = Cli.Run("tokenize", text, "--out", folder, "--shard-tokens", "1000");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("2,500 tokens in 3 shard(s)", outcome.StdOut);
        using var corpus = TokenCorpus.Open(folder);
        Assert.Equal([1000L, 1000L, 500L], corpus.Shards.Select(s => s.Count));
        var tokens = new long[500];
        corpus.Shards[2].Read(0, tokens);
        Assert.Equal(File.ReadAllBytes(text)[2000..].Select(b => (long)b), tokens);
    }

    [Fact]
    public void Should_Train_On_The_Shards_With_Parallel_Workers_And_Masking()
    {
        string folder = Shards(20_000, 8_000);
        string scenario = Cli.TempScenario(Tiny.Replace("VOCAB", "256"));
        var outcome = Cli.Run("execute", scenario, "--layout", "dp=1,mb=4,precision=fp32", "--steps", "4", "--data", folder, "--workers", "2", "--prefetch", "3", "--mask-prob", "0.1");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        string[] said = ["data: 20,000 tokens in 3 shard(s)", "2 worker(s), prefetch 3, inputs masked with p = 0.1", "step 4/4: loss"];
        Assert.All(said, fragment => Assert.Contains(fragment, outcome.StdErr));
        Assert.Contains("step time (median after warm-up)", outcome.StdOut);
    }

    [Theory]
    [InlineData("100", new string[0], "error: model.vocab: 100 does not cover the largest token id 121")]   // 'y' is byte 121
    [InlineData("256", new[] { "--mask-prob", "1.5" }, "error: --mask-prob: 1.5 is not a probability")]
    [InlineData("256", new[] { "--workers", "-1" }, "error: --workers: must be an integer from 0 to 256 loader tasks, got -1")]
    [InlineData("256", new[] { "--prefetch", "0" }, "error: --prefetch: must be an integer from 1 to 1,024 micro-batches, got 0")]
    public void Should_Refuse_Bad_Input_Options_In_One_Line(string vocab, string[] extra, string message)
    {
        string folder = Shards(2_000, 2_000);
        var outcome = Cli.Run(["execute", Cli.TempScenario(Tiny.Replace("VOCAB", vocab)), "--layout", "dp=1,mb=4,precision=fp32", "--data", folder, .. extra]);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith(message, outcome.StdErr.Trim());
        Assert.Single(outcome.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public void Should_Leave_Nothing_When_The_Input_Is_Missing()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-shards-").FullName, "shards");
        var outcome = Cli.Run("tokenize", "/nonexistent/input.txt", "--out", folder);
        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("error: input: '/nonexistent/input.txt' does not exist", outcome.StdErr.Trim());
        Assert.False(Directory.Exists(folder));
    }
}
