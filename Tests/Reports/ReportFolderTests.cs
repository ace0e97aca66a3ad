using ScalePlanner.Reports.Html;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Reports;

public class ReportFolderTests(FixedPlan fixedPlan) : IClassFixture<FixedPlan>
{
    private string Written()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-report-").FullName, "out");
        fixedPlan.Bundle.Write(folder, FixedPlan.Created);
        return folder;
    }

    [Fact]
    public void Should_Rebuild_The_Same_Page_From_The_Folder()
    {
        string folder = Written();
        string original = File.ReadAllText(Path.Combine(folder, HtmlReport.FileName));
        File.Delete(Path.Combine(folder, HtmlReport.FileName));
        string rebuilt = File.ReadAllText(ReportFolder.Rebuild(folder));
        Assert.Equal(HtmlOutline.Of(original), HtmlOutline.Of(rebuilt));
        Assert.Equal(original, rebuilt);
    }

    [Fact]
    public void Should_Show_An_Edited_Csv_When_Rebuilt()
    {
        string folder = Written();
        string csv = Path.Combine(folder, "plan.csv");
        File.WriteAllText(csv, File.ReadAllText(csv).Replace("closed-form", "edited-engine"));
        Assert.Contains("edited-engine", ReportFolder.Render(folder));
    }

    [Fact]
    public void Should_Name_A_Missing_File_And_Write_Nothing()
    {
        string folder = Written();
        File.Delete(Path.Combine(folder, "scaling.csv"));
        File.Delete(Path.Combine(folder, HtmlReport.FileName));
        var error = Assert.Throws<SpecException>(() => ReportFolder.Rebuild(folder));
        Assert.Contains("scaling.csv", error.Message);
        Assert.False(File.Exists(Path.Combine(folder, HtmlReport.FileName)));
    }

    [Fact]
    public void Should_Refuse_A_Folder_Without_A_Manifest()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-report-empty-").FullName;
        var error = Assert.Throws<SpecException>(() => ReportFolder.Rebuild(folder));
        Assert.StartsWith("DIR:", error.Message);
    }
}
