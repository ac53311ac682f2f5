"""The English and French versions of each text organizers write, side by side in the admin."""

from .. import translated_texts


class SideBySideTranslations:
    """For a modeltranslation admin: each translated text's fields (`description_en_gb`,
    `description_fr`) on one row of its fieldset, English on the left, narrowed to share the
    width (static/css/admin-translations.css); on a narrow screen, French under English."""

    class Media:
        css = {"all": ["css/admin-translations.css"]}

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": self._side_by_side(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def _side_by_side(self, fields) -> list:
        """`fields` with each text's columns, all present, as one row (a tuple)."""
        rows_of = {
            columns[0]: tuple(columns)
            for columns in map(translated_texts.columns, self.trans_opts.all_fields)
        }
        rows, placed = [], set()
        for name in fields:
            row = rows_of.get(name) if isinstance(name, str) else None
            if row and set(row) <= set(fields):
                rows.append(row)
                placed.update(row)
            elif name not in placed:
                rows.append(name)
        return rows
