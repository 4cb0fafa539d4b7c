def read_csv_column(path, column):
    """One numeric column of a CSV file with a header row (delimiter , ; or tab; with ; or tab a decimal
    comma is accepted), in file order."""
    with open(path, encoding='utf-8-sig', newline='') as f:
        text = f.read()
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = max([',', ';', '\t'], key=first_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    if column not in header:
        raise SystemExit(f'There is no column "{column}" in {path}; columns: {", ".join(header)}')
    k = header.index(column)
    values = []
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        cell = row[k].strip()
        if delimiter != ',':
            cell = cell.replace(',', '.', 1)
        values.append(float(cell))
    return values


def make_task(args):
    return SeriesTask('csv', read_csv_column(args.data, args.column), T)
