/// The outcome of applying rules: the value, or the problems that stop it.
enum Checked<Value> {
    case valid(Value)
    case invalid([FieldProblem])
}
