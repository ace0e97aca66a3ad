using ScalePlanner.Reports;
using ScalePlanner.Simulator.Profiles;
using Spectre.Console;

namespace ScalePlanner.Tests.Calibration;

/// <summary>calibrate's terminal table renders a record's fits with their bootstrap intervals (its title and cells hold brackets, which Spectre would read as styles unescaped).</summary>
public class CalibrationTableTests
{
    [Fact]
    public void Should_Show_Each_Fitted_Parameter_With_Its_Interval()
    {
        var fit = new CurveFit("matmul fp32", "saturating", new Dictionary<string, double> { ["peakTflops"] = 0.2 }, 5, 6,
            Intervals: new Dictionary<string, double[]> { ["peakTflops"] = [0.18, 0.23] });
        var record = ProfileFileTests.Record with { Fits = [fit] };
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        CalibrationTable.Write(ProfileFileTests.Calibrated, record, console);
        string output = text.ToString();
        Assert.Contains("[bootstrap interval]", output);
        Assert.Contains("peakTflops 0.2 [0.18–0.23]", output);
    }
}
