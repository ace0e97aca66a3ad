using ScalePlanner.Executor.Execution;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class MoeLayerTests
{
    private static readonly MoeSpec FourExperts = new() { Experts = 4, TopK = 2, SharedExperts = 1, ExpertFfnHidden = 32, AuxLossCoefficient = 0.5 };

    private static readonly ModelSpec Moe = TinyModels.Gpt with { Moe = FourExperts };

    private static (MoeLayer Layer, MoeRouting Routing) Layer(MoeSpec moe)
    {
        manual_seed(3);
        var routing = new MoeRouting(1, moe.Experts);
        return (new MoeLayer(Moe with { Moe = moe }, moe, 0, routing), routing);
    }

    [Fact]
    public void Should_Sum_Each_Tokens_Top_K_Experts_Weighted_By_Router_Probability_Plus_The_Shared_Expert()
    {
        var (layer, _) = Layer(FourExperts);
        var x = randn(2, 8, Moe.Hidden);
        using var noGrad = no_grad();
        var y = layer.forward(x).reshape(-1, Moe.Hidden);
        var parts = layer.named_modules().ToDictionary(m => m.name, m => m.module);
        var router = (Linear)parts["router"];
        var shared = (Mlp)parts["shared_expert"];
        var tokens = x.reshape(-1, Moe.Hidden);
        for (int n = 0; n < tokens.shape[0]; n++)
        {
            var token = tokens[n].unsqueeze(0);
            var probabilities = nn.functional.softmax(router.forward(token), -1)[0];
            var (top, chosen) = probabilities.topk(FourExperts.TopK);
            var expected = shared.forward(token)[0];
            for (int j = 0; j < FourExperts.TopK; j++)
                expected = expected + top[j] * ((Mlp)parts[$"experts.{chosen[j].item<long>()}"]).forward(token)[0];
            Assert.True(allclose(y[n], expected, rtol: 1e-5, atol: 1e-6), $"token {n}: {y[n].abs().max().item<float>()} vs {expected.abs().max().item<float>()}");
        }
    }

    [Fact]
    public void Should_Count_Every_Token_Expert_Pair_In_The_Routing_Histogram()
    {
        var (layer, routing) = Layer(FourExperts);
        layer.forward(randn(2, 8, Moe.Hidden));
        long[] counts = routing.Histogram()[0];
        Assert.Equal(2 * 8 * FourExperts.TopK, counts.Sum());
        Assert.True(counts.Count(c => c > 0) >= 2, $"16 random tokens all went to one expert: {string.Join(" ", counts)}");
    }

    [Fact]
    public void Should_Give_The_Switch_Loss_Alpha_When_Balanced_And_Alpha_E_Times_The_Busiest_Share_When_Not()
    {
        // Fedus et al. 2022 eq. 4: α·E·Σ fᵢ·Pᵢ. Even load and even probabilities: α. Both tokens on expert 0 with P = (0.65, 0.35): α·2·0.65.
        var even = MoeLayer.LoadBalancingLoss(tensor(new float[,] { { 0.5f, 0.5f }, { 0.5f, 0.5f } }), [1, 1], 0.1).item<float>();
        var skewed = MoeLayer.LoadBalancingLoss(tensor(new float[,] { { 0.7f, 0.3f }, { 0.6f, 0.4f } }), [2, 0], 0.1).item<float>();
        Assert.Equal(0.1, even, 6);
        Assert.Equal(0.13, skewed, 6);
    }

    [Fact]
    public void Should_Add_The_Load_Balancing_Losss_Gradient_To_The_Router_At_The_Main_Losss_Scale()
    {
        var x = randn(2, 8, Moe.Hidden);
        Tensor RouterGradient(double scale)
        {
            var (layer, routing) = Layer(FourExperts);
            routing.AuxLossScale = scale;
            layer.forward(x).sum().backward();
            return ((Linear)layer.named_modules().Single(m => m.name == "router").module).weight!.grad!.clone();
        }
        var withoutAux = RouterGradient(0);
        var withAux = RouterGradient(0.25);
        // The aux loss's own gradient, taken directly from the same router weights.
        var (fresh, _) = Layer(FourExperts);
        var router = (Linear)fresh.named_modules().Single(m => m.name == "router").module;
        var probabilities = nn.functional.softmax(router.forward(x.reshape(-1, Moe.Hidden)), -1);
        long[] counts = probabilities.topk(FourExperts.TopK).indexes.flatten().bincount(null, FourExperts.Experts).data<long>().ToArray();
        (MoeLayer.LoadBalancingLoss(probabilities, counts, FourExperts.AuxLossCoefficient) * 0.25).backward();
        Assert.True(router.weight!.grad!.abs().max().item<float>() > 1e-4, "the aux loss has no gradient here: the test would prove nothing");
        // Relative to the aux gradient: the difference of two main-loss gradients ~100× larger leaves ~1e-4 of fp32 noise; a missing,
        // doubled or unscaled aux gradient is off by ≥ 0.5.
        double relative = (withAux - withoutAux - router.weight!.grad!).norm().item<float>() / router.weight!.grad!.norm().item<float>();
        Assert.True(relative < 1e-2, $"the router's extra gradient is off the aux loss's by {relative:E2} of it");
    }

    [Fact]
    public void Should_Have_The_Simulators_Parameter_Count_With_Dense_Leading_Layers()
    {
        var spec = TinyModels.Gpt with { Layers = 3, Moe = FourExperts with { DenseLayers = 1 } };
        using var model = new GptModel(spec);
        Assert.Equal(spec.ParameterCount, model.ParameterCount);
        Assert.Equal(2, model.Routing!.MoeLayers);
    }

    [Fact]
    public void Should_Measure_Imbalance_As_The_Busiest_Experts_Tokens_Over_The_Mean()
    {
        var load = new ExpertLoad([[30, 10, 10, 10], [5, 5, 5, 5]]);
        Assert.Equal([2.0, 1.0], load.ImbalancePerLayer);
        Assert.Equal(1.5, load.Imbalance, 12);
    }

    [Theory]
    [InlineData("dp=2,ep=1,etp=2,mb=1", "layout.etp")]
    [InlineData("tp=2,mb=1,sp=on", "layout.tp")]
    [InlineData("cp=2,mb=1", "layout.cp")]
    [InlineData("dp=2,ep=2,mb=1,zero=1", "layout.zero")]
    [InlineData("dp=2,ep=2,mb=1,compress=bf16", "layout.compress")]
    public void Should_Refuse_What_The_Executors_Experts_Cannot_Split_Naming_The_Field(string layout, string field)
    {
        var error = Assert.Throws<SpecException>(() => ExecutionSupport.RequireLayout(Layout.Parse(layout), Moe));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Should_Refuse_A_Capacity_Factor_Naming_The_Field()
    {
        var error = Assert.Throws<SpecException>(() => ExecutionSupport.RequireLayout(Layout.Parse("dp=1,mb=1"), Moe with { Moe = FourExperts with { CapacityFactor = 1.25 } }));
        Assert.Equal("model.moe.capacityFactor", error.Field);
    }
}
