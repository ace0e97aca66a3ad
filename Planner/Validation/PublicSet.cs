using CsvHelper;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// One set of the public corpus (validation/public/sets.csv): its file name, whether the accuracy goal covers it, the regime it
/// samples, and why a set outside the goal is left out.
/// </summary>
[CsvRecord]
public sealed partial class PublicSet
{
    [CsvColumn("set")] public string Name { get; set; } = "";
    /// <summary>goal: counted in the accuracy goal; informational: printed, with the reason it is not.</summary>
    [CsvColumn("status")] public string Status { get; set; } = "";
    [CsvColumn("regime")] public string Regime { get; set; } = "";
    [CsvColumn("reason")] public string Reason { get; set; } = "";

    public bool InGoal => Status == "goal";

    public static IReadOnlyList<PublicSet> Read(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path));
        return csv.GetRecords<PublicSet>().ToList();
    }
}
