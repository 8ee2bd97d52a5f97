"""Catalog names in Simplified Chinese (issue 16): categories, brands, models and photo slots
get a ``name_zh_hans`` (categories a description, slots an instruction too) that staff edit
in the admin and ``catalog_load`` fills where empty; readers of 简体中文 see them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0011_reference_photo"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="category",
            options={
                "ordering": ["position", "name"],
                "verbose_name": "category",
                "verbose_name_plural": "categories",
            },
        ),
        migrations.AddField(
            model_name="brand",
            name="name_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Shown to readers who chose 简体中文; leave empty to show the English name.",
                max_length=120,
                verbose_name="name in Simplified Chinese",
            ),
        ),
        migrations.AddField(
            model_name="category",
            name="description_zh_hans",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="description in Simplified Chinese"
            ),
        ),
        migrations.AddField(
            model_name="category",
            name="name_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Shown to readers who chose 简体中文; leave empty to show the English name.",
                max_length=120,
                verbose_name="name in Simplified Chinese",
            ),
        ),
        migrations.AddField(
            model_name="photoslot",
            name="instruction_zh_hans",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="instruction in Simplified Chinese"
            ),
        ),
        migrations.AddField(
            model_name="photoslot",
            name="name_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Shown to readers who chose 简体中文; leave empty to show the English name.",
                max_length=120,
                verbose_name="name in Simplified Chinese",
            ),
        ),
        migrations.AddField(
            model_name="productmodel",
            name="name_zh_hans",
            field=models.CharField(
                blank=True,
                help_text="Shown to readers who chose 简体中文; leave empty to show the English name.",
                max_length=120,
                verbose_name="name in Simplified Chinese",
            ),
        ),
    ]
