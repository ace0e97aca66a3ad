using System.CommandLine;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ScalePlanner.Planner.Commands;
using ScalePlanner.Planner.ScalingLaws;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Tests.Fuzz;

/// <summary>
/// The fuzz suite's bulk, through the library entry points the commands call (fast: no process per case). Each property
/// holds for every generated case: a result with finite figures, or one refusal of one line naming a field, with the output
/// folders untouched; never another exception, never a hang. <see cref="CliFuzzTests"/> proves the same through the program.
/// </summary>
public class InProcessFuzzTests
{
    public const int ScenarioCases = 400, FigureCases = 100, LayoutCases = 300, RunsCases = 150, ExecuteCases = 250;

    /// <summary>The headline figures of a simulation result, which must be positive as well as finite.</summary>
    public static readonly string[] SimulationFigures = ["stepTimeSeconds", "tokensPerSecond", "memoryPerGpuBytes", "steps", "timeToTrainSeconds", "goodput", "devices"];

    [Property(MaxTest = ScenarioCases, QuietOnSuccess = false)]
    public Property Scenarios_Load_And_Price_Or_Are_Refused_In_One_Line() => Prop.ForAll(ScenarioFuzz.Cases.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string path = folders.Write("scenario.json", Encoding.UTF8.GetBytes(c.Json));
        bool accepted = FuzzAssert.Accepted(() =>
        {
            var scenario = ScenarioLoader.Load(path);
            var cluster = scenario.Clusters[0];
            var result = CostModel.Evaluate(new TrainingJob(scenario.Model, cluster, scenario.Training), new Layout { Dp = cluster.Devices });
            FuzzAssert.FiniteJson(SimulationJson.Serialize(result), c, SimulationFigures);
        }, c);
        folders.Untouched(c);
        return Split(accepted);
    });

    [Property(MaxTest = FigureCases, QuietOnSuccess = false)]
    public Property Plans_Rank_Finite_Figures_Or_Refuse_In_One_Line() => Prop.ForAll(ScenarioFuzz.Figures.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string path = folders.Write("scenario.json", Encoding.UTF8.GetBytes(c.Json));
        return Split(FuzzAssert.Accepted(() => FuzzAssert.FiniteJson(PlanJson.Serialize(Planning.Plan(ScenarioLoader.Load(path), 3)), c, SimulationFigures), c));
    });

    [Property(MaxTest = LayoutCases, QuietOnSuccess = false)]
    public Property Layouts_Price_Or_Are_Refused_In_One_Line() => Prop.ForAll(LayoutFuzz.Cases.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string path = folders.Write("scenario.json", Encoding.UTF8.GetBytes(ScenarioFuzz.Bases[c.Base]));
        var scenario = ScenarioLoader.Load(path);
        return Split(FuzzAssert.Accepted(() =>
        {
            var layout = Layout.Parse(c.Layout);
            var result = CostModel.Evaluate(scenario.JobWith(layout.Devices), layout);
            FuzzAssert.FiniteJson(SimulationJson.Serialize(result), c, SimulationFigures);
            Assert.Equal(layout, Layout.Parse(layout.ToString()));   // a printed layout parses back to itself
        }, c));
    });

    [Property(MaxTest = RunsCases, QuietOnSuccess = false)]
    public Property Runs_Files_Fit_Or_Are_Refused_In_One_Line() => Prop.ForAll(RunsCsvFuzz.Cases.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string path = folders.Write("runs.csv", c.Bytes);
        return Split(FuzzAssert.Accepted(() =>
        {
            var runs = RunsFile.Read(path);
            var fit = new ScalingLawFit(new ChinchillaForm(), runs, 1e-3);
            var report = ScalingLawReporter.Build(fit, runs, 1e-3, fit.Bootstrap(10), 1e22);
            FuzzAssert.FiniteJson(report.Json(), c, "value", "parameters", "tokens");
        }, c));
    });

    [Property(MaxTest = ExecuteCases, QuietOnSuccess = false)]
    public Property Execute_Options_Are_Checked_Before_Any_Work() => Prop.ForAll(ExecuteOptionFuzz.Cases.ToArbitrary(), c =>
    {
        using var folders = new FuzzFolders();
        string scenario = folders.Write("tiny.json", Encoding.UTF8.GetBytes(CliFuzzTests.TinyScenario));
        var options = new ExecuteOptions();
        var command = new Command("execute");
        options.AddTo(command);
        var parse = command.Parse([scenario, .. c.Options.Select(folders.Real)]);
        bool accepted = parse.Errors.Count == 0 && FuzzAssert.Accepted(() => ExecuteCommand.Check(parse, options), c);
        folders.Untouched(c);   // checking creates nothing, accepted or not
        return Split(accepted);
    });

    /// <summary>Counts the cases accepted and refused (printed with the property's result), so a run shows both paths were taken.</summary>
    private static Property Split(bool accepted) => Prop.ToProperty(true).Classify(accepted, "accepted").Classify(!accepted, "refused");
}
