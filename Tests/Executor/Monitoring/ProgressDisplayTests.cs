using ScalePlanner.Executor.Monitoring;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Tests.Executor.Monitoring;

public class ProgressDisplayTests
{
    // Steps of 2 s of which 0.5 s waited for data: a quarter of the step.
    private static StepMetrics Step(int step) => new(step, 4.25, 1234.4, 2.0, 0.5, 0.6, 0.8, 0.1, 1.5, 1e-3);

    [Fact]
    public void Should_Rewrite_One_Line_In_Place_On_A_Terminal_And_End_It_After_The_Last_Step()
    {
        var writer = new StringWriter();
        var display = new ProgressDisplay(writer, totalSteps: 3, live: true);
        display.Report(Step(0));
        Assert.Equal("\rstep 1/3  loss 4.2500  1,234 tokens/s  data wait 25.0 %  ETA 0:04", writer.ToString());
        display.Report(Step(1));
        display.Report(Step(2));
        string text = writer.ToString();
        Assert.Equal(3, text.Count(c => c == '\r'));
        Assert.EndsWith("step 3/3  loss 4.2500  1,234 tokens/s  data wait 25.0 %  ETA 0:00" + Environment.NewLine, text);
        Assert.Single(text.Split(Environment.NewLine), line => line.Length > 0);
    }

    [Fact]
    public void Should_Write_One_Full_Line_Per_Step_When_Not_A_Terminal()
    {
        var writer = new StringWriter();
        var display = new ProgressDisplay(writer, totalSteps: 2, live: false);
        display.Report(Step(0));
        display.Report(Step(1));
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("step 1/2: loss 4.2500, 2.000 s (data 0.500, forward 0.600, backward 0.800, optimizer 0.100), 1,234 tokens/s, data wait 25.0 %, |g| 1.500, ETA 0:02", lines[0]);
        Assert.DoesNotContain('\r', writer.ToString());
    }

    [Fact]
    public void Should_Print_The_Header_Once_Before_The_First_Step_And_Count_The_ETA_From_A_Resumed_Step()
    {
        var writer = new StringWriter();
        var display = new ProgressDisplay(writer, totalSteps: 4, live: false, header: "data: test");
        Assert.Equal("", writer.ToString());   // nothing before a step runs
        display.Report(Step(2));               // resumed at step 3 of 4: one step left after it
        display.Report(Step(3));
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["data: test", "step 3/4"], [lines[0], lines[1][..8]]);
        Assert.EndsWith("ETA 0:02", lines[1]);
        Assert.EndsWith("ETA 0:00", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Theory]
    [InlineData(59, "0:59")]
    [InlineData(61, "1:01")]
    [InlineData(3_725, "1:02:05")]
    public void Should_Show_The_ETA_As_A_Clock(int seconds, string expected)
    {
        Assert.Equal(expected, ProgressLine.Clock(TimeSpan.FromSeconds(seconds)));
    }
}
