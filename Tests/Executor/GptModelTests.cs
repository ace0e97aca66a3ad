using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class GptModelTests
{
    private static ModelSpec Small(string preset) => ModelPresets.Get(preset) with
    {
        Layers = 2, Hidden = 128, Heads = 8, KvHeads = ModelPresets.Get(preset).KvHeads == ModelPresets.Get(preset).Heads ? 8 : 2,
        FfnHidden = 344, Vocab = 1000, SequenceLength = 64,
    };

    public static TheoryData<string> Shapes => ["gpt2-small", "llama2-7b", "llama3-8b", "llama3-70b"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Should_Have_Exactly_The_Simulators_Parameter_Count(string preset)
    {
        var spec = Small(preset);
        using var model = new GptModel(spec);
        Assert.Equal(spec.ParameterCount, model.ParameterCount);
    }

    [Fact]
    public void Should_Match_The_Released_Gpt2_Small_Count()
    {
        using var model = new GptModel(ModelPresets.Get("gpt2-small"));
        Assert.Equal(124_439_808L, model.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Should_Map_Tokens_To_Logits_And_Learn_A_Repeated_Sequence(string preset)
    {
        manual_seed(1);
        var spec = Small(preset);
        using var model = new GptModel(spec);
        using var tokens = arange(0, 33, dtype: int64).remainder(7).unsqueeze(0);     // 0 1 2 … 6 0 1 …: fully predictable
        using var input = tokens[.., ..32];
        using var target = tokens[.., 1..];
        var optimizer = optim.AdamW(model.parameters(), lr: 3e-3);
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.forward(input);
            Assert.Equal(new long[] { 1, 32, spec.Vocab }, logits.shape);
            var loss = nn.functional.cross_entropy(logits.view(-1, spec.Vocab), target.reshape(-1));
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.InRange(first, Math.Log(spec.Vocab) - 1.5, Math.Log(spec.Vocab) + 1.5); // starts near uniform over the vocabulary
        Assert.True(last < first / 10, $"loss {first:F3} → {last:F3}: the model did not learn a period-7 sequence");
    }

    [Fact]
    public void Should_Compute_The_Same_Attention_Fused_And_Unfused()
    {
        var spec = Small("llama3-8b");
        manual_seed(3);
        using var fused = new GptModel(spec, fusedAttention: true);
        manual_seed(3);
        using var unfused = new GptModel(spec, fusedAttention: false);
        using var tokens = randint(0, spec.Vocab, [2, 16]);
        using var a = fused.forward(tokens);
        using var b = unfused.forward(tokens);
        Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-5));
    }
}
