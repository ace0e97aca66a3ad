using ScalePlanner.Planner.Validation;
using ScalePlanner.Reports;
using Xunit.Abstractions;

namespace ScalePlanner.Tests.Validation;

/// <summary>The public validation corpus: every set loads and predicts, and the sets that meet the accuracy goal keep meeting it.</summary>
public class PublicCorpusTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "validation", PublicCorpus.Folder);

    private static readonly Lazy<IReadOnlyList<ValidationRow>> Rows = new(() => PublicCorpus.Validate(Folder).ToList());

    [Fact]
    public void Should_Predict_Every_Run_Of_Every_Listed_Set_With_A_Finite_Positive_Figure()
    {
        var sets = PublicSet.Read(Path.Combine(Folder, PublicCorpus.Index));
        Assert.True(sets.Count(s => s.InGoal) >= 5, "at least five sets in the accuracy goal");
        foreach (var set in sets)
        {
            var runs = PublishedRun.Read(Path.Combine(Folder, set.Name + ".csv"));
            Assert.NotEmpty(runs);
            Assert.All(runs, run => Assert.False(string.IsNullOrWhiteSpace(run.Source), $"{set.Name}/{run.Name} names no source"));
            Assert.True(set.InGoal || set.Reason.Length > 0, $"{set.Name} is outside the goal without a reason");
        }
        Assert.All(Rows.Value, row => Assert.True(double.IsFinite(row.Predicted) && row.Predicted > 0, $"{row.Table}/{row.Name}: {row.Predicted}"));
    }

    [Theory]
    [InlineData("flashattention2_paper_a100")]
    [InlineData("flashattention_repo_gpt_a100")]
    [InlineData("megascale_megatron_a100")]
    [InlineData("megatron_sc21_table2_a100")]
    [InlineData("torchtitan_fsdp2_a100")]
    public void Should_Predict_The_Set_Within_8_Percent_On_Average_And_20_Percent_At_Worst(string set)
    {
        var rows = Rows.Value.Where(r => r.Table == set).ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
            output.WriteLine($"{row.Name,-45} predicted {row.Predicted,12:G5}  published {row.Published,12:G5}  error {row.ErrorPercent,+7:F2} %");
        var (mape, worst) = ValidationReport.Summary(rows);
        output.WriteLine($"MAPE {mape:F2} %, worst {worst:F2} %");
        Assert.InRange(mape, 0, 8);
        Assert.InRange(worst, 0, 20);
    }
}
