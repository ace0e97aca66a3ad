using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

public class ParameterCountTests
{
    // Exact counts of the released checkpoints (sum of tensor sizes in the Hugging Face safetensors/PyTorch files).
    [Theory]
    [InlineData("gpt2-small", 124_439_808L)]
    [InlineData("gpt2-medium", 354_823_168L)]
    [InlineData("gpt2-large", 774_030_080L)]
    [InlineData("gpt2-xl", 1_557_611_200L)]
    [InlineData("llama2-7b", 6_738_415_616L)]
    [InlineData("llama2-13b", 13_015_864_320L)]
    [InlineData("llama2-70b", 68_976_648_192L)]
    [InlineData("llama3-8b", 8_030_261_248L)]
    [InlineData("llama3-70b", 70_553_706_496L)]
    [InlineData("llama3-405b", 405_853_388_800L)]
    public void Should_Match_Released_Checkpoint_Counts(string preset, long published) =>
        Assert.Equal(published, ModelPresets.Get(preset).ParameterCount);

    // GPT-3 (Brown et al. 2020, Table 2.1) reports 175.0B; the exact count of its shape is 174.6B.
    [Fact]
    public void Should_Round_To_The_Published_Gpt3_Size() =>
        Assert.Equal(175.0, ModelPresets.Get("gpt3-175b").ParameterCount / 1e9, 0.5);

    // Narayanan et al. SC21 Table 1 lists sizes from P = 12lh²(1 + 13/(12h) + (V + s)/(12lh)), which omits only the final LayerNorm.
    [Theory]
    [InlineData("megatron-1.7b", 1.7)]
    [InlineData("megatron-3.6b", 3.6)]
    [InlineData("megatron-7.5b", 7.5)]
    [InlineData("megatron-18b", 18.4)]
    [InlineData("megatron-39b", 39.1)]
    [InlineData("megatron-76b", 76.1)]
    [InlineData("megatron-146b", 145.6)]
    [InlineData("megatron-310b", 310.1)]
    [InlineData("megatron-530b", 529.6)]
    [InlineData("megatron-1t", 1008.0)]
    public void Should_Match_Megatron_Table1_Sizes(string preset, double billions)
    {
        var m = ModelPresets.Get(preset);
        double l = m.Layers, h = m.Hidden, formula = 12 * l * h * h * (1 + 13 / (12 * h) + (m.Vocab + m.SequenceLength) / (12 * l * h));
        Assert.Equal(formula + 2 * h, m.ParameterCount, 0);
        Assert.Equal(billions, m.ParameterCount / 1e9, 0.051);
    }

    [Fact]
    public void Should_Count_Grouped_Query_Keys_And_Values_At_Kv_Width()
    {
        var mha = ModelPresets.Get("llama3-8b") with { KvHeads = 32 };
        var gqa = ModelPresets.Get("llama3-8b");
        long perLayer = 2L * 4096 * (4096 - 1024);
        Assert.Equal(32 * perLayer, mha.ParameterCount - gqa.ParameterCount);
    }

    [Theory]
    [InlineData("gpt2-small")]
    [InlineData("llama3-70b")]
    public void Should_Count_Block_Matrices_In_Closed_Form_As_Their_Sum(string preset)
    {
        var model = ModelPresets.Get(preset);
        Assert.Equal(model.BlockMatrices().Sum(m => m.Rows * m.Cols), model.BlockMatrixParameters());
    }
}
