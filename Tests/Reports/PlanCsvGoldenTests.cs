namespace ScalePlanner.Tests.Reports;

public class PlanCsvGoldenTests(FixedPlan fixedPlan) : IClassFixture<FixedPlan>
{
    [Fact]
    public void Should_Match_The_Golden_Plan_Csv() => Golden.AssertCsvMatches("plan.csv", fixedPlan.Bundle.Files["plan.csv"]);

    [Fact]
    public void Should_Match_The_Golden_Scaling_Csv() => Golden.AssertCsvMatches("scaling.csv", fixedPlan.Bundle.Files["scaling.csv"]);
}
