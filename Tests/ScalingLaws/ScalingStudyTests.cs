using ScalePlanner.Executor.Study;
using ScalePlanner.Planner.ScalingLaws;
using Xunit.Abstractions;

namespace ScalePlanner.Tests.ScalingLaws;

[Collection(TorchCollection.Name)]
public class ScalingStudyTests(ITestOutputHelper output)
{
    [Fact]
    public void Should_Fit_An_Irreducible_Loss_Within_10_Percent_Of_The_Sources_Entropy_Rate()
    {
        var (runs, entropy) = ScalingStudy.Run(ScalingStudy.Quick, output.WriteLine);
        Assert.Equal(9, runs.Count);
        Assert.All(runs, r => Assert.True(r.Loss > entropy - 0.05, "no model can beat the entropy rate of its data"));
        var fit = new ScalingLawFit(new ChinchillaForm(), runs, 1e-3);
        double e = new ChinchillaForm().Quoted(fit.Theta)[0];
        output.WriteLine($"fitted E {e:F4}, entropy rate {entropy:F4}");
        Assert.InRange(e, entropy * 0.9, entropy * 1.1);
    }
}
