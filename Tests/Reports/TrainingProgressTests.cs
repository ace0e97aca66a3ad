using ScalePlanner.Executor.Measurements;
using ScalePlanner.Reports.Progress;
using Spectre.Console;

namespace ScalePlanner.Tests.Reports;

public class TrainingProgressTests
{
    // Steps of 2 s of which 0.5 s waited for data: a quarter of the step.
    private static StepMetrics Step(int step) => new(step, 4.25, 1234.4, 2.0, 0.5, 0.6, 0.8, 0.1, 1.5, 1e-3);

    [Fact]
    public void Should_Rewrite_One_Line_In_Place_On_A_Terminal_And_End_It_After_The_Last_Step()
    {
        var writer = new StringWriter();
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
        });
        terminal.Progress().AutoClear(false).Columns(new TaskDescriptionColumn()).Start(context =>
        {
            var display = new TrainingProgress(new LiveProgressView(terminal, context.AddTask("starting", maxValue: 1)), totalSteps: 3);
            foreach (int step in new[] { 0, 1, 2 })
            {
                display.Step(Step(step));
                context.Refresh();   // as the display's own timer would between steps
            }
        });
        string text = writer.ToString();
        Assert.Contains("step 1/3  loss 4.2500  1,234 tokens/s  data wait 25.0 %  ETA 0:04", text);   // Spectre.Console redraws the line in place
        Assert.Contains("step 3/3  loss 4.2500  1,234 tokens/s  data wait 25.0 %  ETA 0:00", text);
        Assert.Contains("\u001b[", text);                                                              // cursor control: drawn live, not line by line
        Assert.DoesNotContain("step 1/3:", text);                                                       // never the log line on a terminal
    }

    [Fact]
    public void Should_Write_One_Full_Line_Per_Step_When_Not_A_Terminal()
    {
        var writer = new StringWriter();
        var display = new TrainingProgress(new PlainProgressView(writer), totalSteps: 2);
        display.Step(Step(0));
        display.Step(Step(1));
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("step 1/2: loss 4.2500, 2.000 s (data 0.500, forward 0.600, backward 0.800, optimizer 0.100), 1,234 tokens/s, data wait 25.0 %, |g| 1.500, ETA 0:02", lines[0]);
        Assert.DoesNotContain('\r', writer.ToString());
    }

    [Fact]
    public void Should_Print_The_Header_Once_Before_The_First_Step_And_Count_The_ETA_From_A_Resumed_Step()
    {
        var writer = new StringWriter();
        var display = new TrainingProgress(new PlainProgressView(writer), totalSteps: 4);
        display.Started("data: test");
        Assert.Equal("", writer.ToString());   // nothing before a step runs
        display.Step(Step(2));                 // resumed at step 3 of 4: one step left after it
        display.Step(Step(3));
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
