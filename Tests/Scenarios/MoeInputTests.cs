namespace ScalePlanner.Tests.Scenarios;

/// <summary>Mixture-of-experts input a planner cannot honour gets one line naming the field and what is allowed, exit code 2, nothing printed to stdout.</summary>
public class MoeInputTests
{
    private const string Mixtral = """{ "preset": "mixtral-8x7b" }""";

    private static string Scenario(string model, string search = "{}") => Cli.Cli.TempScenario($$"""
        { "model": {{model}}, "cluster": { "accelerator": "h100-sxm", "nodes": 2 },
          "training": { "globalBatchSize": 64, "tokens": 1e9 }, "search": {{search}} }
        """);

    private static void AssertRefused(string expected, params string[] args)
    {
        var outcome = Cli.Cli.Run(args);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.Equal(expected, outcome.StdErr.Trim());
    }

    [Theory]
    [InlineData("""{ "preset": "mixtral-8x7b", "moe": { "experts": 8, "topK": 9, "expertFfnHidden": 14336 } }""", "error: model.moe.topK: 9 is more than the 8 experts")]
    [InlineData("""{ "preset": "mixtral-8x7b", "moe": { "experts": 0, "topK": 1, "expertFfnHidden": 14336 } }""", "error: model.moe.experts: must be a positive integer, got 0")]
    [InlineData("""{ "preset": "mixtral-8x7b", "moe": { "experts": 8, "topK": 2, "expertFfnHidden": 14336, "capacityFactor": 0 } }""", "error: model.moe.capacityFactor: must be a finite number ≥ 1/topK = 0.5, got 0")]
    [InlineData("""{ "preset": "mixtral-8x7b", "moe": { "experts": 8, "topK": 2, "expertFfnHidden": 14336, "loadImbalance": 0.5 } }""", "error: model.moe.loadImbalance: must be between 1 (balanced) and 8 (every token on one expert), got 0.5")]
    [InlineData("""{ "preset": "llama3-8b", "attention": "mla" }""", "error: model.mla: is required with attention \"mla\" (qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim)")]
    public void Should_Refuse_A_Model_That_Cannot_Route_Its_Tokens(string model, string expected) => AssertRefused(expected, "plan", Scenario(model));

    [Theory]
    [InlineData("dp=16,ep=3", "error: layout.ep: ep=3 must divide model.moe.experts=8")]
    [InlineData("dp=8,tp=2,ep=2", "error: layout.sp: an MoE model with tp > 1 needs sp=on (Megatron-Core requires sequence parallelism with expert layers under tensor parallelism)")]
    [InlineData("dp=2,pp=8,ep=4", "error: layout.ep: ep·etp = 4·1 must divide dp·tp·cp = 2 (the ranks of one pipeline stage)")]
    public void Should_Refuse_An_Expert_Split_The_Ranks_Cannot_Hold(string layout, string expected) => AssertRefused(expected, "simulate", Scenario(Mixtral), "--layout", layout);

    [Fact]
    public void Should_Refuse_Expert_Parallelism_On_A_Dense_Model()
    {
        AssertRefused("error: layout.ep: ep=2 needs a mixture-of-experts model (model.moe)", "simulate", Scenario("""{ "preset": "llama3-8b" }"""), "--layout", "dp=16,ep=2");
        AssertRefused("error: search.ep: ep=2 needs a mixture-of-experts model (model.moe)", "plan", Scenario("""{ "preset": "llama3-8b" }""", """{ "ep": [1, 2] }"""));
    }

    [Fact]
    public void Should_Refuse_A_Searched_Ep_That_Does_Not_Divide_The_Experts() =>
        AssertRefused("error: search.ep: ep=3 must divide model.moe.experts=8", "plan", Scenario(Mixtral, """{ "ep": [1, 3] }"""));
}
