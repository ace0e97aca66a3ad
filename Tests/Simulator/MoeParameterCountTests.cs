using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

/// <summary>
/// Total and active parameters of every mixture-of-experts preset against the counts their makers publish. Makers count
/// differently: DeepSeek leaves the multi-token-prediction module out of 671B and, for the active count, the input embedding;
/// gpt-oss counts the unembedding but not the embedding as active; Llama 4's 109B and 402B include a 0.87B vision tower
/// (Meta's VisionArgs: 34 layers of 1,408) the text model here does not have; xAI's 314B for Grok-1 is its weights without
/// the 0.8B tied embedding. Where a maker prints two significant digits (Qwen3's 3.3B and 22B active, Llama 4's 17B), the
/// figure is checked to its printed precision.
/// </summary>
public class MoeParameterCountTests
{
    [Theory]
    [InlineData("mixtral-8x7b", 46.7e9, 0.005)]
    [InlineData("mixtral-8x22b", 141e9, 0.005)]
    [InlineData("deepseek-v3", 671e9, 0.005)]
    [InlineData("qwen3-30b-a3b", 30.5e9, 0.005)]
    [InlineData("qwen3-235b-a22b", 235e9, 0.005)]
    [InlineData("gpt-oss-120b", 116.83e9, 0.005)]
    public void Should_Count_The_Published_Total(string preset, double published, double tolerance) =>
        AssertClose(preset, "total", ModelPresets.Get(preset).ParameterCount, published, tolerance);

    [Theory]
    [InlineData("llama4-scout", 109e9 - 0.872e9)]
    [InlineData("llama4-maverick", 402e9 - 0.872e9)]
    public void Should_Count_Llama_4s_Total_Without_Its_Vision_Tower(string preset, double published) =>
        AssertClose(preset, "total", ModelPresets.Get(preset).ParameterCount, published, 0.005);

    [Fact]
    public void Should_Count_Grok_1s_Weights_Without_The_Tied_Embedding()
    {
        var grok = ModelPresets.Get("grok-1");
        AssertClose("grok-1", "total without the embedding", grok.ParameterCount - grok.EmbeddingParameters, 314e9, 0.005);
    }

    [Theory]
    [InlineData("mixtral-8x7b", 12.9e9, 0.005, false)]
    [InlineData("mixtral-8x22b", 39e9, 0.005, false)]
    [InlineData("deepseek-v3", 36.7e9, 0.005, true)]       // README_WEIGHTS.md: 36.7B activated
    [InlineData("gpt-oss-120b", 5.13e9, 0.005, true)]
    public void Should_Count_The_Published_Active_Parameters(string preset, double published, double tolerance, bool withoutInputEmbedding)
    {
        var model = ModelPresets.Get(preset);
        AssertClose(preset, "active", model.ActiveParameterCount - (withoutInputEmbedding ? model.EmbeddingParameters : 0), published, tolerance);
    }

    [Theory]
    [InlineData("qwen3-30b-a3b", 3.3e9, 0.1e9)]
    [InlineData("qwen3-235b-a22b", 22e9, 1e9)]
    [InlineData("llama4-scout", 17e9, 1e9)]
    [InlineData("llama4-maverick", 17e9, 1e9)]
    public void Should_Count_Active_Parameters_To_The_Published_Digits(string preset, double published, double lastDigit)
    {
        // The maker's figure is the count cut to its last printed digit.
        double active = ModelPresets.Get(preset).ActiveParameterCount;
        Assert.InRange(active, published, published + lastDigit);
    }

    [Fact]
    public void Should_Make_Maverick_Alternate_Dense_And_Moe_Layers_And_DeepSeek_Keep_Three_Dense_Layers()
    {
        Assert.Equal(24, ModelPresets.Get("llama4-maverick").MoeLayers);
        Assert.Equal(58, ModelPresets.Get("deepseek-v3").MoeLayers);
        Assert.Equal(ModelPresets.Get("llama3-8b").ParameterCount, ModelPresets.Get("llama3-8b").ActiveParameterCount);
    }

    private static void AssertClose(string preset, string what, double counted, double published, double tolerance) =>
        Assert.True(Math.Abs(counted / published - 1) <= tolerance, $"{preset} {what}: {counted / 1e9:F3}B against the published {published / 1e9:F3}B ({(counted / published - 1) * 100:+0.00;-0.00} %)");
}
