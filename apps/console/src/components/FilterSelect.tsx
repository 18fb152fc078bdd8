/**
 * A labelled filter of a list: "Any" (no filter) and one option per value. Changing it hands
 * the chosen value, or undefined for "Any", to `onChange`.
 */
export function FilterSelect<T extends string>(props: {
  label: string;
  value: T | undefined;
  options: readonly (T | { value: T; label: string })[];
  onChange: (value: T | undefined) => void;
}) {
  return (
    <label>
      {props.label}{' '}
      <select
        value={props.value ?? ''}
        onChange={(e) => props.onChange((e.currentTarget.value || undefined) as T | undefined)}
      >
        <option value="">Any</option>
        {props.options.map((o) => {
          const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {label}
            </option>
          );
        })}
      </select>
    </label>
  );
}
