using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Optimizers;
using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Executor;

/// <summary>One step of each optimizer the project implements, against its published update rule worked out by hand.</summary>
[Collection(TorchCollection.Name)]
public class OptimizerTests
{
    private static readonly double[,] W = { { 0.5, -0.2, 0.1 }, { 0.3, 0.8, -0.6 } };
    private static readonly double[,] G = { { 0.1, 0.4, -0.3 }, { -0.2, 0.05, 0.6 } };

    private static Parameter WithGradient()
    {
        var p = new Parameter(tensor(new float[] { 0.5f, -0.2f, 0.1f, 0.3f, 0.8f, -0.6f }).reshape(2, 3));
        p.grad = tensor(new float[] { 0.1f, 0.4f, -0.3f, -0.2f, 0.05f, 0.6f }).reshape(2, 3);
        return p;
    }

    private static void AssertClose(double[,] expected, Parameter actual)
    {
        var values = actual.data<float>().ToArray();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++) Assert.Equal(expected[i, j], values[i * 3 + j], 5);
    }

    [Fact]
    public void Should_Take_An_Adafactor_Step_By_Shazeer_And_Stern_Algorithm_4()
    {
        var p = WithGradient();
        new Adafactor([p]).Step();
        // Step 1: β̂₂ = 0 so R and C are the row and column sums of G² + ε₁; V̂ = RC/ΣR; U = G/√V̂; clip by RMS(U); α = max(ε₂, RMS(W))·min(10⁻², 1).
        double[] r = new double[2], c = new double[3];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) { r[i] += G[i, j] * G[i, j] + 1e-30; c[j] += G[i, j] * G[i, j] + 1e-30; }
        double sumR = r.Sum(), rmsU = 0, rmsW = 0;
        var u = new double[2, 3];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) { u[i, j] = G[i, j] / Math.Sqrt(r[i] * c[j] / sumR); rmsU += u[i, j] * u[i, j] / 6; rmsW += W[i, j] * W[i, j] / 6; }
        double scale = Math.Max(1, Math.Sqrt(rmsU)), alpha = Math.Max(1e-3, Math.Sqrt(rmsW)) * 1e-2;
        var expected = new double[2, 3];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) expected[i, j] = W[i, j] - alpha * u[i, j] / scale;
        AssertClose(expected, p);
    }

    [Fact]
    public void Should_Take_A_Lamb_Step_By_You_Et_Al_Algorithm_2()
    {
        var p = WithGradient();
        const double lr = 0.01, eps = 1e-6, decay = 0.01;
        new Lamb([p], lr, eps: eps, weightDecay: decay).Step();
        // Step 1: bias-corrected m̂ = g and v̂ = g², so r = g/(|g| + ε) + λw, moved by lr·‖w‖/‖r‖.
        var rr = new double[2, 3];
        double normW = 0, normR = 0;
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) { rr[i, j] = G[i, j] / (Math.Abs(G[i, j]) + eps) + decay * W[i, j]; normW += W[i, j] * W[i, j]; normR += rr[i, j] * rr[i, j]; }
        double trust = Math.Sqrt(normW) / Math.Sqrt(normR);
        var expected = new double[2, 3];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) expected[i, j] = W[i, j] - lr * trust * rr[i, j];
        AssertClose(expected, p);
    }

    [Fact]
    public void Should_Keep_The_Adafactor_State_The_Simulator_Assumes()
    {
        var spec = ModelPresets.Get("llama3-8b") with { Layers = 2, Hidden = 128, Heads = 8, KvHeads = 2, FfnHidden = 344, Vocab = 1000, SequenceLength = 64 };
        using var model = new GptModel(spec);
        var adafactor = new Adafactor([.. model.parameters()]);
        Assert.Equal(OptimizerCosts.AdafactorStateFraction(spec) * spec.ParameterCount, adafactor.StateElements, 6);
        Assert.True(adafactor.StateElements < spec.ParameterCount / 20);
    }
}
