using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Terms;

namespace CloudLifecycle.Host.Cli;

/// <summary><c>plan</c>: every milestone of one contract from its start through a horizon, with its clause.</summary>
internal sealed class PlanCommand : ICommand
{
    public string Name => "plan";

    public string Synopsis => "--product CODE --start DATE [--end DATE] [--removal-date DATE] [--through DATE] [--json]";

    public void Run(Arguments arguments, TextWriter stdout)
    {
        var product = arguments.Product();
        var contract = new ContractDates(arguments.Date("start"), arguments.OptionalDate("end"), arguments.OptionalDate("removal-date"));
        var through = arguments.OptionalDate("through");
        var json = arguments.Flag("json");
        arguments.EnsureAllUsed(Name);

        var plan = ProductCatalog.For(product).Plan(contract, through);
        var kindWidth = plan.Milestones.Max(m => m.Kind.Camel().Length);
        var clauseWidth = plan.Milestones.Max(m => m.Clause.Length);
        Output.Emit(stdout, json, PlanJson.From(plan),
        [
            $"{plan.Product} from {plan.Contract.Start.Iso()} through {plan.Through.Iso()}: {plan.Milestones.Count} milestones",
            .. plan.Milestones.Select(m =>
                $"{m.Date.Iso()}  {m.Kind.Camel().PadRight(kindWidth)}  {m.Clause.PadRight(clauseWidth)}  {m.Description.En} / {m.Description.Ja}"),
        ]);
    }
}
