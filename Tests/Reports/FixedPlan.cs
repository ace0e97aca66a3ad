using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Reports.Html;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Tests.Reports;

/// <summary>
/// The fixed scenario of the report tests: the bundled GPT-2 small on 8 L4, top 3 layouts, its scaling sweep, a fixed run
/// context (command line, versions) and a fixed creation time, so only the cost model can change what is written.
/// </summary>
public sealed class FixedPlan
{
    public static readonly DateTime Created = new(2026, 1, 2, 3, 4, 0, DateTimeKind.Utc);

    public FixedPlan()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "scenarios", "gpt2-small-8-l4.json");
        Scenario = ScenarioLoader.Load(path);
        Plan = PlanSearch.Run(Scenario, 3);
        Scaling = ScalingSweep.Run(Scenario, null);
        var provenance = new Provenance([new ProvenanceFact("device profile", "catalog default for l4")],
            [new ValidationSummary("Megatron SC21 Table 1", "hardware TFLOP/s per GPU", "A100 only", 10, 5.0, 9.0)]);
        Context = new RunContext("scaleplan plan gpt2-small-8-l4.json --top 3 --out DIR", File.ReadAllText(path), provenance,
            new RunVersions("test", ".NET test", "test OS", null, null));
        Bundle = PlanReport.Build(Plan, Scaling, Context);
        Html = HtmlReport.Render(Bundle.Manifest(Created), name => Bundle.Files[name]);
    }

    public Scenario Scenario { get; }
    public PlanResult Plan { get; }
    public IReadOnlyList<ScalingPoint> Scaling { get; }
    public RunContext Context { get; }
    public ReportBundle Bundle { get; }
    public string Html { get; }
}
