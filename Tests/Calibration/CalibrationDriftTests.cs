using ScalePlanner.Calibration.Validation;

namespace ScalePlanner.Tests.Calibration;

public class CalibrationDriftTests
{
    [Theory]
    [InlineData(0.180, 0.274, "52 % slower")]   // run 5 of the 2026-12-03 repeatability bench: its reference stack against runs 1–4
    [InlineData(0.274, 0.180, "34 % faster")]
    public void Should_Warn_When_The_Reference_Stack_Changed_Speed_During_Calibration(double start, double end, string change)
    {
        var warning = CalibrationDrift.Warning("4 blocks h=256 s=256 b=4", start, end);
        Assert.NotNull(warning);
        Assert.StartsWith("warning: ", warning);
        Assert.Contains(change, warning);
        Assert.Contains("calibrate again", warning);
    }

    [Theory]
    [InlineData(0.180, 0.180)]
    [InlineData(0.180, 0.205)]   // +13.9 %: within the tolerance
    [InlineData(0.180, 0.160)]   // −11.1 %
    public void Should_Stay_Silent_Within_The_Tolerance(double start, double end) =>
        Assert.Null(CalibrationDrift.Warning("4 blocks h=256 s=256 b=4", start, end));
}
